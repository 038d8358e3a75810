// Crash injection through the npm package: the storage fails at the k-th write (the call
// throws PilotError `storage`), or the process dies right after it, or after performing a
// dispatched call — for every k, across several templates. A new Pilot over the same map
// resumes: no call performed twice, in-doubt steps interrupted, the workflow settled.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { pilot } from './helpers.mjs';

const { Pilot, PilotError } = pilot;
const TEMPLATES = [
  ['rolling_restart', { vm_names: ['web-01', 'web-02'] }],
  ['incident_response', { alert_entity: 'esx-01', alert_name: 'CPU' }],
  ['capacity_expansion', { vm_name: 'app-01', cpu: 8 }],
  ['disaster_recovery', { vm_name: 'app-02' }],
];

class Died extends Error {}

function disk(map, state) {
  const inner = pilot.memoryStorage(map);
  return {
    ...inner,
    saveText(id, text, expected) {
      state.writes += 1;
      if (state.failAt === state.writes) throw new Error(`injected: write ${state.writes} lost`);
      const rev = inner.saveText(id, text, expected);
      if (state.dieAfterWrite === state.writes) state.dead = true;
      return rev;
    },
  };
}

/** One process: drive to a settled state, or die where `state` says. */
function life(map, id, state, performed, resume) {
  // a process after a death says it is recovering: what it finds running, nobody reports
  const p = new Pilot(disk(map, state), { caller: 'agent', mode: 'host', approveMode: 'any', recovering: resume });
  const act = (fn) => {
    try {
      const t = fn();
      if (state.dead) throw new Died();
      return t;
    } catch (e) {
      if (e instanceof PilotError && e.code === 'storage') throw new Died();
      throw e;
    }
  };
  let t;
  const st = p.get(id).state;
  if (['completed', 'failed', 'cancelled'].includes(st)) return;
  t = st === 'awaiting_approval' && resume ? act(() => p.approve(id, 'lead')) : act(() => p.run(id));
  for (;;) {
    if (t.checkpoint.kind === 'dispatch') {
      const req = t.checkpoint.requests[0];
      performed.push(`${req.index}${req.undo ? 'u' : ''}`);
      state.calls += 1;
      if (state.dieAfterCall === state.calls) throw new Died();
      t = act(() => p.report(id, req.index, { returned: { ok: true, plan_id: 'p' } }));
    } else if (t.checkpoint.kind === 'awaiting_approval') {
      t = act(() => p.approve(id, 'lead'));
    } else {
      return;
    }
  }
}

function setup(name, args) {
  const map = new Map();
  const p = new Pilot(pilot.memoryStorage(map), { caller: 'agent' });
  return { map, id: p.createFromTemplate(name, args).id };
}

test('every write and every call of several templates: die, resume, nothing twice', (t) => {
  let points = 0;
  for (const [name, args] of TEMPLATES) {
    const clean = setup(name, args);
    const counts = { writes: 0, calls: 0 };
    life(clean.map, clean.id, counts, [], false);
    assert.equal(new Pilot(pilot.memoryStorage(clean.map)).get(clean.id).state, 'completed', name);
    const plans = [];
    for (let k = 1; k <= counts.writes; k += 1) plans.push({ failAt: k }, { dieAfterWrite: k });
    for (let k = 1; k <= counts.calls; k += 1) plans.push({ dieAfterCall: k });
    for (const plan of plans) {
      const ctx = `${name} ${JSON.stringify(plan)}`;
      const { map, id } = setup(name, args);
      const performed = [];
      const state = { writes: 0, calls: 0, ...plan };
      try {
        life(map, id, state, performed, false);
        continue; // settled before this point
      } catch (e) {
        if (!(e instanceof Died)) throw e;
      }
      points += 1;
      const store = pilot.memoryStorage(map);
      const inDoubt = new Pilot(store).get(id).steps.filter((s) => s.status === 'running').map((s) => s.index);
      life(map, id, { writes: 0, calls: 0 }, performed, true);
      const wf = new Pilot(store).get(id);
      assert.equal(new Set(performed).size, performed.length, `${ctx}: performed twice: ${performed}`);
      for (const i of inDoubt) assert.equal(wf.steps[i].status, 'interrupted', `${ctx}: step ${i}`);
      assert.ok(['completed', 'failed', 'cancelled'].includes(wf.state), `${ctx}: ended ${wf.state}`);
      assert.ok(wf.steps.every((s) => s.status !== 'running'), ctx);
    }
  }
  t.diagnostic(`${points} crash points`);
  assert.ok(points >= 60, `only ${points} crash points`);
});
