// The managed API (Pilot over host storage): lifecycles, gates, separation of duties,
// rejection, drafts, rollback previews, and the storage contract (revisions, write-ahead,
// failures that never lose or repeat a step).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { drive, pilot, recording, restart } from './helpers.mjs';

const { Pilot, PilotError, memoryStorage } = pilot;

const newPilot = (storage = memoryStorage(), options = {}) =>
  new Pilot(storage, { caller: 'agent-7', mode: 'host', ...options });

function throwsCode(fn, code) {
  let caught = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected PilotError ${code}, nothing was thrown`);
  assert.ok(caught instanceof PilotError, `not a PilotError: ${caught}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

test('a template runs to its gate, is approved by someone else, and completes', () => {
  const p = newPilot();
  const wf = p.createFromTemplate(...restart(['web-01', 'web-02']));
  assert.equal(wf.state, 'pending');
  assert.equal(wf.created_by, 'agent-7');
  let t = drive(p, wf.id, p.run(wf.id));
  assert.deepEqual(t.checkpoint, { kind: 'awaiting_approval', gate: 1 });
  assert.equal(p.get(wf.id).state, 'awaiting_approval');
  t = drive(p, wf.id, p.approve(wf.id, 'lead-ana'));
  assert.equal(t.checkpoint.kind, 'completed');
  const done = p.get(wf.id);
  assert.equal(done.state, 'completed');
  assert.equal(done.approved_by, 'lead-ana');
  assert.ok(done.steps.every((s) => s.status === 'success'));
  assert.ok(done.audit_log.some((a) => a.action === 'approved' && a.detail.includes('lead-ana')));
});

test('separation of duties: the creator cannot approve its own workflow; the refusal changes nothing', () => {
  const p = newPilot();
  const wf = p.createFromTemplate(...restart(['db-01']));
  drive(p, wf.id, p.run(wf.id));
  const before = p.get(wf.id);
  const e = throwsCode(() => p.approve(wf.id, 'agent-7'), 'approval_refused');
  assert.match(e.message, /agent-7 created it, and separation of duties/);
  assert.deepEqual(p.get(wf.id), before);
  p.forget(wf.id);
  assert.deepEqual(p.get(wf.id), before, 'the stored record is unchanged too');
  // approveMode 'any' allows it; 'none' refuses everyone
  const anyone = newPilot(memoryStorage(), { approveMode: 'any' });
  const w2 = anyone.createFromTemplate(...restart(['db-02']));
  drive(anyone, w2.id, anyone.run(w2.id));
  anyone.approve(w2.id, 'agent-7');
  assert.equal(anyone.get(w2.id).approved_by, 'agent-7');
  const nobody = newPilot(memoryStorage(), { approveMode: 'none' });
  const w3 = nobody.createFromTemplate(...restart(['db-03']));
  drive(nobody, w3.id, nobody.run(w3.id));
  throwsCode(() => nobody.approve(w3.id, 'lead-ana'), 'approval_refused');
  throwsCode(() => newPilot(memoryStorage(), { approveMode: 'sometimes' }), 'invalid_argument');
});

test('rejecting a gate cancels the workflow: nothing past the gate ever runs', () => {
  const p = newPilot();
  const wf = p.createFromTemplate(...restart(['app-01']));
  drive(p, wf.id, p.run(wf.id));
  const t = p.reject(wf.id, 'lead-ana', 'change window closed');
  assert.equal(t.checkpoint.kind, 'cancelled');
  const rec = p.get(wf.id);
  assert.equal(rec.state, 'cancelled');
  assert.deepEqual(
    rec.steps.map((s) => s.status),
    ['success', 'skipped', 'skipped', 'skipped', 'skipped'],
  );
  assert.ok(rec.audit_log.some((a) => a.detail.includes('approval rejected by lead-ana: change window closed')));
  assert.deepEqual(t.blast_radius.left_in_place, [], 'the rejection says what earlier steps left in place');
  assert.equal(t.state, 'cancelled');
  assert.equal(t.id, wf.id);
  assert.equal(t.record, undefined, 'the record stays in the store');
  throwsCode(() => p.run(wf.id), 'run_cancelled');
  throwsCode(() => p.reject(wf.id, 'lead-ana'), 'not_awaiting_approval');
});

test('a rejecter and an approver must be named', () => {
  const p = newPilot();
  const wf = p.createFromTemplate(...restart(['app-02']));
  drive(p, wf.id, p.run(wf.id));
  throwsCode(() => p.reject(wf.id, '  '), 'approver_required');
  throwsCode(() => p.approve(wf.id, ''), 'approver_required');
  assert.equal(p.get(wf.id).state, 'awaiting_approval');
});

test('write-ahead: a step is stored running before its dispatch reaches the host', () => {
  const store = recording(memoryStorage());
  const p = newPilot(store);
  const wf = p.createFromTemplate(...restart(['web-01']));
  let t = p.run(wf.id);
  while (t.checkpoint.kind === 'dispatch') {
    const last = store.saves[store.saves.length - 1];
    for (const req of t.checkpoint.requests) {
      assert.equal(last.steps[req.index].status, 'running', `step ${req.index} was not saved running first`);
    }
    t = p.report(wf.id, t.checkpoint.requests[0].index, { returned: { ok: true } });
  }
  assert.equal(t.checkpoint.kind, 'awaiting_approval');
});

test('a failed save returns no checkpoint, and the step is not lost or run twice', () => {
  const map = new Map();
  const inner = memoryStorage(map);
  let failNext = false;
  const flaky = {
    ...inner,
    saveText(id, text, expected) {
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      return inner.saveText(id, text, expected);
    },
  };
  const p = newPilot(flaky);
  const wf = p.createFromTemplate(...restart(['web-01']));
  failNext = true;
  const e = throwsCode(() => p.run(wf.id), 'storage');
  assert.match(e.message, /disk full/);
  // the store still holds the record as it was: nothing was dispatched
  assert.equal(inner.load(wf.id).record.steps[0].status, 'pending');
  assert.equal(failNext, false, 'the failing save was attempted');
  const t = p.run(wf.id);
  assert.equal(t.checkpoint.kind, 'dispatch');
  assert.deepEqual(t.checkpoint.requests.map((r) => r.index), [0]);
});

test('a crash after write-ahead: the next process marks the step interrupted and never re-dispatches it', () => {
  const map = new Map();
  const first = newPilot(memoryStorage(map));
  const wf = first.createFromTemplate(...restart(['web-01']));
  const t = first.run(wf.id);
  assert.equal(t.checkpoint.kind, 'dispatch'); // ... and the process dies before reporting
  const second = newPilot(memoryStorage(map), { recovering: true }); // a new process after the crash
  const after = second.run(wf.id);
  assert.equal(after.checkpoint.kind, 'failed');
  const rec = second.get(wf.id);
  assert.equal(rec.steps[0].status, 'interrupted');
  assert.match(after.checkpoint.error, /still marked running/);
  assert.equal(rec.state, 'failed');
  assert.ok(rec.steps.slice(1).every((s) => s.status === 'pending'), 'nothing after it ran');
  throwsCode(() => second.run(wf.id), 'run_bad_state');
});

test('two Pilots over one store: the stale one gets a conflict and dispatches nothing', () => {
  const map = new Map();
  const a = newPilot(memoryStorage(map));
  const b = newPilot(memoryStorage(map));
  const wf = a.createFromTemplate(...restart(['web-01']));
  const ta = a.run(wf.id);
  assert.equal(ta.checkpoint.kind, 'dispatch');
  // b reads the store and reports step 0 first
  const tb = b.report(wf.id, 0, { returned: { ok: true, by: 'b' } });
  assert.equal(tb.checkpoint.kind, 'awaiting_approval');
  const stored = structuredClone(map.get(wf.id));
  // a checks the stored revision first: it sees b's save, and why its report no longer applies
  throwsCode(() => a.report(wf.id, 0, { returned: { ok: true, by: 'a' } }), 'report_not_running');
  assert.deepEqual(map.get(wf.id), stored);
  assert.equal(a.get(wf.id).steps[0].result.by, 'b');
});

test('memoryStorage follows the contract: already_exists, conflict, delete, list', () => {
  const s = memoryStorage();
  const rec = pilot.createFromTemplate(...restart(['x']));
  assert.equal(s.save(rec, null), 1);
  assert.throws(() => s.save(rec, null), (e) => e.code === 'already_exists');
  assert.throws(() => s.save(rec, 7), (e) => e.code === 'conflict');
  assert.equal(s.save(rec, 1), 2);
  assert.equal(s.load(rec.id).revision, 2);
  assert.deepEqual(s.list().map((r) => r.id), [rec.id]);
  assert.equal(s.delete(rec.id), true);
  assert.equal(s.delete(rec.id), false);
  assert.equal(s.load(rec.id), null);
});

test('the storage only ever receives redacted records; the live copy keeps the secret for dispatch', () => {
  const map = new Map();
  const p = newPilot(memoryStorage(map));
  const wf = p.createFromTemplate('patch_deployment', {
    vm_names: ['web-01'],
    patch_local_path: '/tmp/p.tgz',
    patch_guest_path: '/tmp/p.tgz',
    install_command: 'tar xf /tmp/p.tgz',
    username: 'root',
    password: 'hunter2-secret',
  });
  assert.ok(!map.get(wf.id).text.includes('hunter2-secret'), 'the secret reached the storage');
  let seen = null;
  let t = drive(p, wf.id, p.run(wf.id));
  assert.equal(t.checkpoint.kind, 'awaiting_approval');
  t = drive(p, wf.id, p.approve(wf.id, 'lead-ana'), (req) => {
    if (JSON.stringify(req.params).includes('hunter2-secret')) seen = req.tool;
    return { returned: { ok: true } };
  });
  assert.ok(seen, 'the dispatch did not receive the live secret');
  assert.ok(![...map.values()].some((v) => v.text.includes('hunter2-secret')));
});

test('drafts: design, edit, confirm; an ungated destructive step cannot be confirmed', () => {
  const p = newPilot();
  const d = p.designDraft('reboot the web tier', 'business hours only');
  assert.equal(d.state, 'draft');
  throwsCode(() => p.run(d.id), 'run_bad_state');
  p.updateDraft(d.id, { steps: [{ action: 'off', skill: 'aiops', tool: 'power_off_vm', params: { vm_name: 'w' } }] });
  const e = throwsCode(() => p.confirmDraft(d.id), 'approval_gate');
  assert.ok(Array.isArray(e.details.approval_gate_violations));
  assert.equal(p.get(d.id).state, 'draft');
  p.updateDraft(d.id, {
    steps: [
      { action: 'require_approval', skill: 'pilot', tool: 'approve', params: { message: 'ok?' } },
      { action: 'off', skill: 'aiops', tool: 'power_off_vm', params: { vm_name: 'w' } },
    ],
  });
  assert.equal(p.confirmDraft(d.id).state, 'pending');
  throwsCode(() => p.updateDraft(d.id, { name: 'x' }), 'not_a_draft');
});

test('createWorkflow refuses a destructive step without a gate, and stores nothing', () => {
  const map = new Map();
  const p = newPilot(memoryStorage(map));
  const e = throwsCode(
    () => p.createWorkflow('wipe', 'oops', [{ skill: 'aiops', tool: 'delete_vm', params: { vm_name: 'x' } }]),
    'approval_gate',
  );
  assert.equal(e.details.fix.step.action, 'require_approval');
  assert.equal(map.size, 0);
});

test('rollback: the preview changes nothing; confirm dispatches the undos in reverse', () => {
  const p = newPilot();
  const wf = p.createFromTemplate(...restart(['a', 'b']));
  drive(p, wf.id, p.run(wf.id));
  let t = p.approve(wf.id, 'lead-ana');
  // perform power_off a, power_on a, then fail at the health check
  t = drive(p, wf.id, t, (req) => (req.index === 4 ? { raised: 'alarm storm' } : { returned: { ok: true } }));
  assert.equal(t.checkpoint.kind, 'failed');
  const before = p.get(wf.id);
  const { preview } = p.rollback(wf.id);
  assert.equal(preview.action, 'preview');
  assert.deepEqual(preview.blast_radius.would_roll_back.map((s) => s.index), [2]);
  assert.deepEqual(p.get(wf.id), before);
  t = p.rollback(wf.id, { confirm: true });
  assert.equal(t.checkpoint.kind, 'dispatch');
  assert.deepEqual(
    t.checkpoint.requests.map((r) => [r.index, r.tool, r.undo]),
    [[2, 'power_on_vm', true]],
  );
  t = p.report(wf.id, 2, { returned: { ok: true } });
  assert.equal(t.checkpoint.kind, 'rolled_back');
  assert.equal(p.get(wf.id).steps[2].status, 'rolled_back');
  assert.equal(p.get(wf.id).state, 'failed');
});

test('cancel: preview, then a refusal while a step is in flight, then cancel', () => {
  const p = newPilot();
  const wf = p.createFromTemplate(...restart(['a']));
  p.run(wf.id); // step 0 is dispatched and in flight
  const { preview } = p.cancel(wf.id, { reason: 'not today' });
  assert.equal(preview.action, 'preview');
  const e = throwsCode(() => p.cancel(wf.id, { reason: 'not today', confirm: true }), 'radius_refused');
  assert.ok(e.details.blast_radius.unmeasured.length + e.details.blast_radius.blockers.length > 0);
  p.report(wf.id, 0, { returned: { ok: true } });
  const t = p.cancel(wf.id, { reason: 'not today', confirm: true });
  assert.equal(t.checkpoint.kind, 'cancelled');
  assert.equal(p.get(wf.id).state, 'cancelled');
});

test('list is newest first and active leaves out finished workflows; delete removes', () => {
  const p = newPilot();
  const a = p.createFromTemplate(...restart(['a']));
  const b = p.createFromTemplate('compliance_scan', {});
  drive(p, b.id, p.run(b.id));
  assert.equal(p.get(b.id).state, 'completed');
  assert.deepEqual(new Set(p.list().map((r) => r.id)), new Set([a.id, b.id]));
  assert.deepEqual(p.list({ active: true }).map((r) => r.id), [a.id]);
  assert.equal(p.delete(a.id), true);
  throwsCode(() => p.get(a.id), 'not_found');
});

test('a storage object without the contract, or returning junk, is refused clearly', () => {
  const e = throwsCode(() => new Pilot({ load() {}, save() {} }), 'invalid_argument');
  assert.match(e.message, /list\(\) function/);
  const junk = { load: () => ({ nope: 1 }), save: () => 1, list: () => 'x', delete: () => true };
  const p = new Pilot(junk);
  throwsCode(() => p.get('wf-1'), 'storage');
  throwsCode(() => p.list(), 'storage');
  const badRevision = { ...memoryStorage(), saveText: () => 'one' };
  throwsCode(() => new Pilot(badRevision).createFromTemplate(...restart(['a'])), 'storage');
});

test('in-memory Pilot: same lifecycle, records exported redacted', () => {
  const p = Pilot.inMemory({ caller: 'agent-7', mode: 'host' });
  const wf = p.createFromTemplate(...restart(['a']));
  drive(p, wf.id, p.run(wf.id));
  drive(p, wf.id, p.approve(wf.id, 'lead-ana'));
  const [rec] = p.exportRecords();
  assert.equal(rec.id, wf.id);
  assert.equal(rec.state, 'completed');
  assert.equal(pilot.storedText(rec), pilot.storedText(p.get(wf.id)));
});

test('run in agent mode hands steps out in pending_dispatch', () => {
  const p = newPilot(memoryStorage(), { mode: 'agent' });
  const wf = p.createFromTemplate(...restart(['a']));
  const t = p.run(wf.id);
  assert.equal(t.checkpoint.kind, 'awaiting_approval');
  assert.deepEqual(t.pending_dispatch.map((s) => s.index), [0]);
  assert.equal(t.outcome, 'awaiting_approval');
  assert.equal(p.get(wf.id).steps[0].status, 'not_executed');
  throwsCode(() => p.approve(wf.id, 'lead-ana'), 'unrun_before_gate');
  p.approve(wf.id, 'lead-ana', { acknowledgeNotExecuted: true });
  assert.equal(p.get(wf.id).approved_by, 'lead-ana');
});

test('a preflight that throws refuses the run and nothing is dispatched', () => {
  const p = newPilot(memoryStorage(), {
    preflight: (steps) => {
      if (steps.some((s) => s.tool === 'power_off_vm')) throw new Error('maintenance freeze until Monday');
    },
  });
  const wf = p.createFromTemplate(...restart(['a']));
  const before = p.get(wf.id);
  const e = throwsCode(() => p.run(wf.id), 'preflight_refused');
  assert.match(e.message, /maintenance freeze/);
  assert.deepEqual(p.get(wf.id), before);
  assert.ok(p.get(wf.id).steps.every((s) => s.status === 'pending'));
});

test('the text fast path: memoryStorage keeps the exact row vmware-pilot 2.4.0 would store', () => {
  const map = new Map();
  const p = newPilot(memoryStorage(map));
  const wf = p.createFromTemplate(...restart(['web-01']));
  drive(p, wf.id, p.run(wf.id));
  const entry = map.get(wf.id);
  assert.equal(entry.text, pilot.storedText(p.get(wf.id)));
  assert.ok(entry.revision >= 3);
  // incremental rendering gives the same bytes as a full rendering, step after step
  const q = newPilot(memoryStorage(map));
  assert.equal(pilot.storedText(q.get(wf.id)), entry.text);
});

test('the object path (a storage with only load/save/list/delete) works the same', () => {
  const store = recording(memoryStorage());
  const objectsOnly = { load: store.load, save: store.save, list: store.list, delete: store.delete };
  const p = newPilot(objectsOnly);
  const wf = p.createFromTemplate(...restart(['web-01']));
  drive(p, wf.id, p.run(wf.id));
  drive(p, wf.id, p.approve(wf.id, 'lead-ana'));
  assert.equal(p.get(wf.id).state, 'completed');
  assert.equal(store.saves.at(-1).state, 'completed');
  assert.equal(typeof store.saves.at(-1).steps[0], 'object');
});

test('importRecord stores a record over its id (validated, redacted) and keeps the working copy fresh', () => {
  const map = new Map();
  const p = newPilot(memoryStorage(map));
  const wf = p.createFromTemplate(...restart(['web-01']));
  drive(p, wf.id, p.run(wf.id));
  const exported = { ...p.get(wf.id), blocked_reason: 'imported' };
  const back = p.importRecord(exported);
  assert.equal(back.blocked_reason, 'imported');
  assert.equal(map.get(wf.id).revision, 4);
  p.approve(wf.id, 'lead-ana', { hold: true }); // no conflict: the working copy is the import
  const fresh = newPilot(memoryStorage(map)).importRecord(pilot.createFromTemplate(...restart(['x'])));
  assert.equal(fresh.state, 'pending');
  throwsCode(() => p.importRecord({ id: 'junk' }), 'invalid_record');
});

test('separation of duties compares names as people read them', () => {
  const p = newPilot();
  const wf = p.createFromTemplate(...restart(['web-01']));
  drive(p, wf.id, p.run(wf.id));
  throwsCode(() => p.approve(wf.id, ' AGENT-7 '), 'approval_refused');
});
