// The Node agent example, run as a real child process: approval from the flag, from stdin,
// refusal of its own approval, rejection, a rollback, and resuming a workflow approved
// elsewhere (by another Pilot over the same files, as the approval page does).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { drive, pilot, tempDir } from './helpers.mjs';

const agent = fileURLToPath(new URL('../../examples/node-agent/agent.mjs', import.meta.url));

function runAgent(args, input = '') {
  const out = spawnSync(process.execPath, [agent, ...args], { input, encoding: 'utf8', timeout: 30_000 });
  assert.equal(out.status, 0, `agent exited ${out.status}\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

const finalState = (stdout) => stdout.match(/final state: (\w+)/)[1];

test('approved from the flag: every step performed, completed', () => {
  const out = runAgent(['--approve', 'lead-ana', '--vms', 'a,b,c']);
  assert.match(out, /approval needed at step 1: Rolling restart 3 VMs: a, b, c/);
  assert.match(out, /approved by lead-ana/);
  assert.equal(finalState(out), 'completed');
  assert.equal((out.match(/→ ok/g) ?? []).length, 10); // 1 pre-check + 3 × 3 after the gate
});

test('approver on stdin; the agent itself is refused first', () => {
  const out = runAgent([], 'node-agent\nlead-ana\n');
  assert.match(out, /approval_refused/);
  assert.match(out, /approved by lead-ana/);
  assert.equal(finalState(out), 'completed');
});

test('an empty answer rejects: nothing after the gate runs', () => {
  const out = runAgent([], '\n');
  assert.match(out, /rejected/);
  assert.equal(finalState(out), 'cancelled');
  assert.doesNotMatch(out, /power_off_vm .* → ok/);
});

test('a failing step is rolled back', () => {
  const out = runAgent(['--approve', 'lead-ana', '--vms', 'a', '--fail', 'power_on_vm']);
  assert.match(out, /undo 2 {2}aiops\.power_on_vm/);
  assert.match(out, /steps: 0:success 1:success 2:rolled_back 3:failed 4:skipped/);
});

test('resume: a workflow approved elsewhere (hold) is continued by the agent', () => {
  const dir = tempDir('resume');
  const planner = new pilot.Pilot(pilot.fileStorage(dir), { caller: 'node-agent', mode: 'host' });
  const wf = planner.createFromTemplate('rolling_restart', { vm_names: ['db-01'] });
  drive(planner, wf.id, planner.run(wf.id, { force: true }));
  // the approval page: another Pilot over the same folder, approving without running
  const page = new pilot.Pilot(pilot.fileStorage(dir), {});
  const held = page.approve(wf.id, 'lead-ana', { hold: true });
  assert.equal(held.checkpoint.kind, 'approved');
  assert.equal(held.state, 'pending');
  const out = runAgent(['--resume', wf.id, '--store', dir]);
  assert.equal(finalState(out), 'completed');
  assert.match(out, /step 2 {2}aiops\.power_off_vm/);
  assert.doesNotMatch(out, /step 0 /, 'the pre-check ran once, before the approval');
});
