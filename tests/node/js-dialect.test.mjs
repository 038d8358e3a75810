// The npm package's refusals speak JavaScript: they name `pilot.approve(id, approver,
// {acknowledgeNotExecuted: true})` and `{acknowledgeUnknownEffects: true}`, not the MCP
// tools' `acknowledge_not_executed=True`; the codes are the same as in Python, and the
// records are the same bytes (a step error stored by Node reads exactly as upstream's).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pilot, tempDir, restart, pythonIsms, proseOf } from './helpers.mjs';

const { Pilot, fileStorage, PilotError } = pilot;

/** The refusal `fn` throws, checked: a PilotError with `code`, all its prose JavaScript. */
function refusal(code, fn) {
  let caught = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PilotError, `expected PilotError ${code}, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  assert.deepEqual([caught.message, ...proseOf(caught.details)].flatMap(pythonIsms), []);
  return caught;
}

test('the Python-spelling detector can fail', () => {
  assert.equal(pythonIsms('call approve again with acknowledge_not_executed=True').length, 3);
  assert.equal(pythonIsms("get_workflow_status('wf-1') shows it").length, 1);
  assert.equal(pythonIsms('could not be read (KeyError)').length, 1);
  assert.equal(pythonIsms("({'memory_mb': 4096})").length, 1);
  assert.deepEqual(pythonIsms('pilot.status(id) shows every step; {confirm: true}'), []);
});

test('agent mode: the gate names the JS call that acknowledges, and cancel', () => {
  const p = new Pilot(fileStorage(tempDir('dialect-agent')), { caller: 'agent' });
  const wf = p.createFromTemplate('plan_and_approve', {
    operations: [{ action: 'resize', skill: 'aiops', tool: 'reconfigure_vm', params: { vm_name: 'web-01', cpu: 4 } }],
  });
  const e0 = refusal('not_awaiting_approval', () => p.approve(wf.id, 'lead'));
  assert.match(e0.message, /not awaiting approval/);
  const t = p.run(wf.id);
  assert.match(t.message ?? '', /NOT completed/);
  assert.deepEqual(proseOf(t).flatMap(pythonIsms), []);
  const e = refusal('unrun_before_gate', () => p.approve(wf.id, 'lead'));
  assert.match(e.message, /pilot\.approve\(id, approver, \{acknowledgeNotExecuted: true\}\)/);
  assert.match(e.message, /pilot\.cancel\(id\)/);
  assert.equal(e.details.error, e.message);
});

test('after a crash: rollback names its options, the record is not reworded', () => {
  const dir = tempDir('dialect-crash');
  const p = new Pilot(fileStorage(dir), { caller: 'agent', mode: 'host' });
  const wf = p.createFromTemplate(...restart(['web-01']));
  p.run(wf.id);
  const fresh = new Pilot(fileStorage(dir), { caller: 'agent', mode: 'host' });
  const failed = fresh.recover(wf.id);
  assert.equal(failed.checkpoint.kind, 'failed');
  // the answer speaks JavaScript ...
  assert.match(failed.error, /pilot\.rollback\(id\)/);
  assert.match(failed.error, /\{acknowledgeUnknownEffects: true\}/);
  assert.equal(failed.checkpoint.error, failed.error);
  // ... the record is data: never reworded (the scenario corpus checks its bytes against Rust)
  assert.doesNotMatch(pilot.storedText(fresh.get(wf.id)), /pilot\.|acknowledgeUnknownEffects/);
  const preview = fresh.rollback(wf.id);
  assert.match(preview.preview.hint, /\{confirm: true\}/);
  assert.deepEqual(proseOf(preview).flatMap(pythonIsms), []);
  const e = refusal('radius_refused', () => fresh.rollback(wf.id, { confirm: true }));
  assert.match(e.message, /pilot\.status\('wf-/);
  assert.ok(e.details.blast_radius.unmeasured.some((l) => l.includes('{acknowledgeUnknownEffects: true}')));
  const done = fresh.rollback(wf.id, { confirm: true, acknowledgeUnknownEffects: true });
  assert.notEqual(done.state, undefined);
});

test('authoring, drafts, templates, records: every refusal in JavaScript, same codes', () => {
  const p = Pilot.inMemory({ caller: 'agent' });
  refusal('approval_gate', () =>
    p.createWorkflow('x', 'y', [{ action: 'off', skill: 'aiops', tool: 'power_off_vm', params: { vm_name: 'a' } }]),
  );
  const draft = p.designDraft('resize web-01');
  const e1 = refusal('run_bad_state', () => p.run(draft.id));
  assert.match(e1.message, /pilot\.confirmDraft\(id\)/);
  const e2 = refusal('draft_has_no_steps', () => p.confirmDraft(draft.id));
  assert.match(e2.message, /pilot\.updateDraft\(id, \{steps\}\)/);
  refusal('template_bind', () => p.createFromTemplate('rolling_restart', {}));
  refusal('template_argument', () =>
    p.createFromTemplate('clone_and_test', { target_vm: 'db-01', change_spec: { memory_mb: 'lots' } }),
  );
  refusal('unknown_template', () => p.createFromTemplate('no_such_template', {}));
  refusal('not_found', () => p.get('wf-nope'));
  const e3 = refusal('invalid_argument', () => p.get(42));
  assert.match(e3.message, /pilot\.list\(\)/);
  const e4 = refusal('invalid_record', () => pilot.loadRecord({ id: 'wf-1' }));
  assert.doesNotMatch(e4.message, /Error\)/);
  refusal('invalid_record', () => pilot.fromStoredText('{not json'));
  const wf = p.createFromTemplate(...restart(['a']));
  const forged = structuredClone(p.get(wf.id));
  const gate = forged.steps.find((s) => s.tool === 'approve');
  gate.status = 'success';
  forged.approved_by = 'me';
  refusal('forged_approval', () => Pilot.inMemory().importRecord(forged));
});
