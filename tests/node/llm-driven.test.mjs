// What a language model driving the package does — retries, several Pilots on one store,
// approvals without options — over real fileStorage folders.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pilot, tempDir, restart } from './helpers.mjs';

const { Pilot, fileStorage, PilotError } = pilot;

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PilotError, `${e}`);
    return e.code;
  }
  return 'ok';
}

test('a retried run returns the outstanding dispatch unchanged; only recovery interrupts', () => {
  const dir = tempDir('retry');
  const p = new Pilot(fileStorage(dir), { caller: 'agent', mode: 'host' });
  const wf = p.createFromTemplate(...restart(['web-01', 'web-02']));
  const first = p.run(wf.id);
  assert.equal(first.checkpoint.kind, 'dispatch');
  const before = JSON.stringify(p.get(wf.id));
  for (let i = 0; i < 3; i += 1) {
    const again = p.run(wf.id);
    assert.deepEqual(again.checkpoint, first.checkpoint, 'the same requests');
    assert.equal(JSON.stringify(p.get(wf.id)), before, 'nothing changed, nothing stored');
  }
  // another live Pilot on the same folder (another tab, another agent) sees the same
  const other = new Pilot(fileStorage(dir), { caller: 'agent', mode: 'host' });
  assert.deepEqual(other.run(wf.id).checkpoint, first.checkpoint);
  // a process that starts over after a crash recovers explicitly
  const fresh = new Pilot(fileStorage(dir), { caller: 'agent', mode: 'host' });
  const inFlight = fresh.get(wf.id).steps.filter((s) => s.status === 'running').map((s) => s.index);
  assert.deepEqual(inFlight, first.checkpoint.requests.map((r) => r.index), 'the outstanding steps');
  const recovered = fresh.recover(wf.id);
  assert.equal(recovered.checkpoint.kind, 'failed');
  const rec = fresh.get(wf.id);
  for (const i of inFlight) assert.equal(rec.steps[i].status, 'interrupted');
  assert.equal(rec.state, 'failed');
  assert.equal(fresh.recover(wf.id).checkpoint, null, 'nothing left to recover');
  // the live Pilot sees the recovery (it checks the stored revision) and reports nothing stale
  assert.equal(codeOf(() => p.report(wf.id, inFlight[0], { returned: { ok: true } })), 'report_not_running');
  // a Pilot constructed as recovering interrupts on run, as upstream's executor does
  const wf2 = p.createFromTemplate(...restart(['db-01']));
  p.run(wf2.id);
  const recovering = new Pilot(fileStorage(dir), { caller: 'agent', mode: 'host', recovering: true });
  assert.equal(recovering.run(wf2.id).checkpoint.kind, 'failed');
});

test('two Pilots on one store: what the desk approved is what the agent reads, without forget()', () => {
  const dir = tempDir('desk');
  const agent = new Pilot(fileStorage(dir), { caller: 'agent', mode: 'host' });
  const desk = new Pilot(fileStorage(dir), { caller: 'lead-ana' });
  const wf = agent.createFromTemplate('plan_and_approve', {
    operations: [{ action: 'resize', skill: 'aiops', tool: 'reconfigure_vm', params: { vm_name: 'web-01', cpu: 4 } }],
  });
  let t = agent.run(wf.id);
  while (t.checkpoint.kind === 'dispatch') {
    for (const r of t.checkpoint.requests) t = agent.report(wf.id, r.index, { returned: { ok: true } });
  }
  assert.equal(t.checkpoint.kind, 'awaiting_approval');
  assert.equal(agent.status(wf.id).state, 'awaiting_approval');
  const held = desk.approve(wf.id, 'lead-ana', { hold: true });
  assert.equal(held.checkpoint.kind, 'approved');
  // the agent's next reads and its run see the approval at once
  assert.equal(agent.get(wf.id).state, 'pending');
  assert.equal(agent.status(wf.id).approved_by, 'lead-ana');
  const after = agent.run(wf.id);
  assert.notEqual(after.checkpoint.kind, 'awaiting_approval');
});

test('the pure approve applies separation of duties unless told otherwise', () => {
  const env = { caller: 'alice' };
  const steps = [
    { action: 'require_approval', skill: 'pilot', tool: 'approve', params: { message: 'go?' } },
    { action: 'start', skill: 'aiops', tool: 'power_on_vm', params: { vm_name: 'web-1' } },
  ];
  const atGate = pilot.run(pilot.createWorkflow('sod', 'd', steps, { env }), { env }).record;
  assert.equal(atGate.state, 'awaiting_approval');
  assert.equal(codeOf(() => pilot.approve(atGate, 'alice')), 'approval_refused');
  assert.equal(codeOf(() => pilot.approve(atGate, 'ALICE ')), 'approval_refused');
  assert.equal(pilot.approve(atGate, 'bob').record.approved_by, 'bob');
  assert.equal(pilot.approve(atGate, 'alice', { approveMode: 'any' }).record.approved_by, 'alice');
});

test('importRecord refuses forged approvals, contradictions and stale copies', () => {
  const dir = tempDir('import');
  const p = new Pilot(fileStorage(dir), { caller: 'agent', mode: 'host' });
  const steps = [
    { action: 'require_approval', skill: 'pilot', tool: 'approve', params: { message: 'power off?' } },
    { action: 'off', skill: 'aiops', tool: 'power_off_vm', params: { vm_name: 'db-01' } },
  ];
  const wf = p.createWorkflow('off', 'd', steps);
  assert.equal(p.run(wf.id).checkpoint.kind, 'awaiting_approval');
  const atGate = p.get(wf.id);
  // the gate marked passed by hand, an approver filled in, no approval in the audit log
  const forged = structuredClone(atGate);
  forged.steps[0].status = 'success';
  forged.approved_by = 'lead';
  forged.state = 'pending';
  const other = new Pilot(fileStorage(tempDir('import-other')), { caller: 'agent', mode: 'host' });
  assert.equal(codeOf(() => other.importRecord(forged)), 'forged_approval');
  assert.equal(codeOf(() => other.get(wf.id)), 'not_found', 'nothing was stored');
  assert.equal(codeOf(() => p.importRecord(forged)), 'forged_approval');
  assert.equal(p.get(wf.id).state, 'awaiting_approval');
  const done = structuredClone(atGate);
  done.state = 'completed';
  assert.equal(codeOf(() => other.importRecord(done)), 'inconsistent_record');
  // a copy from before the rejection cannot revive the cancelled workflow
  p.reject(wf.id, 'lead', 'not today');
  assert.equal(codeOf(() => p.importRecord(atGate)), 'stale_record');
  assert.equal(p.get(wf.id).state, 'cancelled');
  // the genuine record imports elsewhere
  assert.equal(other.importRecord(p.get(wf.id)).state, 'cancelled');
});
