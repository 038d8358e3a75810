// One answer everywhere: the same bad inputs — a cancelled workflow, an unknown id, a
// number for an id, steps that are not an array, the creator approving under look-alike
// names — give the same error code from the Python MCP tools, the Python record API, the npm
// pure functions and the npm Pilot. The Python side runs in the repo's venv
// (tests/cross-host/python_codes.py) over a real workflows.db.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pilot } from './helpers.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const python = process.env.PILOT_PYTHON ?? `${root}.venv/bin/python`;

const STEPS = [
  { action: 'look', skill: 'aiops', tool: 'get_vm_info', params: { vm_name: 'web-1' } },
  { action: 'require_approval', skill: 'pilot', tool: 'approve', params: { message: 'go?' } },
  { action: 'start', skill: 'aiops', tool: 'power_on_vm', params: { vm_name: 'web-1' } },
];
// [name, the network caller]: invisible, Cyrillic а, fullwidth, upper case, padded
const LOOKALIKES = [
  ['alice\u200b', 'token:alice\u200b'],
  ['\u0430lice', 'token:\u0430lice'],
  ['\uff41\uff4c\uff49\uff43\uff45', 'token:\uff41\uff4c\uff49\uff43\uff45'],
  ['ALICE', 'TOKEN:ALICE'],
  [' alice ', ' token:alice '],
];

function code(fn) {
  try {
    fn();
  } catch (e) {
    if (e instanceof pilot.PilotError) return e.code;
    return `not a PilotError: ${e}`;
  }
  return 'ok';
}

function npmCodes() {
  const env = { caller: 'alice' };
  const out = {};
  const put = (c, host, v) => ((out[c] ??= {})[host] = v);
  // pure functions
  const rec = pilot.createWorkflow('cross', 'd', STEPS, { env });
  const cancelled = pilot.cancel(rec, 'stop', { env }).record;
  put('run a cancelled workflow', 'npm_pure', code(() => pilot.run(cancelled, { env })));
  const draft = pilot.designDraft('goal', '', { env });
  const bad = { 0: STEPS[0] };
  put('update_draft with steps that are not an array', 'npm_pure', code(() => pilot.updateDraft(draft, { steps: bad }, { env })));
  const atGate = pilot.run(rec, { env }).record;
  for (const [name] of LOOKALIKES) {
    const approve = () => pilot.approve(atGate, name, { approveMode: 'others', acknowledgeNotExecuted: true });
    put(`the creator approves as ${JSON.stringify(name)}`, 'npm_pure', code(approve));
  }
  // Pilot, over its in-memory store, created by alice
  const p = new pilot.Pilot(null, { caller: 'alice' });
  const c = p.createWorkflow('cross', 'd', STEPS);
  p.cancel(c.id, { confirm: true });
  put('run a cancelled workflow', 'npm_pilot', code(() => p.run(c.id)));
  put('run an unknown id', 'npm_pilot', code(() => p.run('wf-nope')));
  put('run with a number for the id', 'npm_pilot', code(() => p.run(42)));
  const d = p.designDraft('goal');
  put('update_draft with steps that are not an array', 'npm_pilot', code(() => p.updateDraft(d.id, { steps: bad })));
  const g = p.createWorkflow('cross', 'd', STEPS);
  p.run(g.id);
  for (const [name] of LOOKALIKES) {
    const approve = () => p.approve(g.id, name, { acknowledgeNotExecuted: true });
    put(`the creator approves as ${JSON.stringify(name)}`, 'npm_pilot', code(approve));
  }
  return out;
}

// the Python side names its cases as this side does (names JSON-quoted, non-ASCII as is)
function pythonCodes() {
  assert.ok(existsSync(python), `the repo's venv (${python}) is needed: make install-wheel`);
  const args = [`${root}tests/cross-host/python_codes.py`, JSON.stringify(LOOKALIKES)];
  return JSON.parse(execFileSync(python, args, { encoding: 'utf8' }));
}

const EXPECTED = {
  'run a cancelled workflow': 'run_cancelled',
  'run an unknown id': 'not_found',
  'run with a number for the id': 'invalid_argument',
  'update_draft with steps that are not an array': 'invalid_argument',
  ...Object.fromEntries(LOOKALIKES.map(([n]) => [`the creator approves as ${JSON.stringify(n)}`, 'approval_refused'])),
};

test('the same bad input gives the same error code in every host', () => {
  const merged = npmCodes();
  for (const [c, hosts] of Object.entries(pythonCodes())) Object.assign((merged[c] ??= {}), hosts);
  const rows = [];
  for (const [c, want] of Object.entries(EXPECTED)) {
    const got = merged[c] ?? {};
    assert.ok(Object.keys(got).length >= 2, `${c}: too few hosts answered (${JSON.stringify(got)})`);
    for (const [host, v] of Object.entries(got)) rows.push([c, host, v, want]);
  }
  const wrong = rows.filter(([, , v, want]) => v !== want);
  assert.deepEqual(wrong, [], 'every host gives the expected code');
  assert.equal(rows.length, 32, 'every case is answered by each host that has the operation');
});
