// The pure functions and the package surface: templates with JSON Schemas, the catalog,
// upstream rows byte for byte, an asynchronous store driven record-in/record-out, the ESM and
// CommonJS entries, and bad input of every kind answered with PilotError — never a crash.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { pilot } from './helpers.mjs';
import * as esm from '../../dist/node/index.mjs';

const { PilotError } = pilot;

function code(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PilotError, `not a PilotError: ${e?.stack ?? e}`);
    return e.code;
  }
  return null;
}

test('the ESM entry is the CommonJS API, same objects', () => {
  assert.deepEqual(Object.keys(esm).sort(), Object.keys(pilot).sort());
  assert.equal(esm.PilotError, pilot.PilotError);
  assert.equal(esm.Pilot, pilot.Pilot);
  assert.equal(esm.version(), '3.0.0');
});

test('ready() resolves at once in Node', async () => {
  await pilot.ready();
});

test('15 built-in templates, each with a JSON Schema that matches its signature', () => {
  const list = pilot.templates();
  assert.equal(list.length, 15);
  for (const t of list) {
    assert.equal(t.custom, false);
    assert.equal(t.schema.type, 'object', t.name);
    assert.equal(t.schema.additionalProperties, false, t.name);
    const params = Object.keys(t.schema.properties);
    for (const r of t.schema.required ?? []) assert.ok(params.includes(r), `${t.name}: ${r}`);
    for (const p of params) assert.ok(t.signature.includes(`${p}:`), `${t.name}: ${p} not in ${t.signature}`);
  }
  const rr = list.find((t) => t.name === 'rolling_restart');
  assert.deepEqual(rr.schema.required, ['vm_names']);
  assert.equal(rr.schema.properties.vm_names.type, 'array');
});

test('a custom YAML template is listed and instantiated; a broken one is refused with its file name', () => {
  const yaml = `name: check_then_resize
description: Check alarms, then resize a VM after approval
steps:
  - {action: check, skill: monitor, tool: get_alarms, params: {target: ""}}
  - {action: require_approval, skill: pilot, tool: approve, params: {message: "Resize {{vm}}?"}}
  - {action: resize, skill: aiops, tool: reconfigure_vm, params: {vm_name: "{{vm}}", cpu: 4}}
`;
  const customTemplates = [{ document: yaml, fileName: 'check_then_resize.yaml' }];
  const list = pilot.templates({ customTemplates });
  const mine = list.find((t) => t.name === 'check_then_resize');
  assert.ok(mine, JSON.stringify(list.map((t) => t.name)));
  assert.equal(mine.custom, true);
  const rec = pilot.createFromTemplate('check_then_resize', { vm: 'db-01' }, { customTemplates });
  assert.equal(rec.steps[1].params.message, 'Resize db-01?');
  assert.equal(rec.steps[2].params.vm_name, 'db-01');
  const broken = [{ document: 'name: [unclosed', fileName: 'broken.yaml' }];
  const e = (() => {
    try {
      pilot.templates({ customTemplates: broken });
    } catch (err) {
      return err;
    }
  })();
  assert.ok(e instanceof PilotError);
  assert.equal(e.code, 'invalid_argument');
  assert.match(e.message, /broken\.yaml/);
  const noSteps = [{ document: { name: 'half' }, fileName: 'half.yaml' }];
  assert.throws(() => pilot.templates({ customTemplates: noSteps }), (err) => err.code === 'invalid_argument' && /half\.yaml/.test(err.message));
  // an ungated destructive custom template is listed but refused when instantiated
  const ungated = [{ document: 'name: wipe\nsteps:\n  - {skill: aiops, tool: delete_vm, params: {vm_name: x}}\n', fileName: 'wipe.yaml' }];
  assert.ok(pilot.templates({ customTemplates: ungated }).some((t) => t.name === 'wipe'));
  assert.throws(() => pilot.createFromTemplate('wipe', {}, { customTemplates: ungated }), (err) => err.code === 'approval_gate');
});

test('template refusals carry the stable code and the Python wording callers look for', () => {
  assert.equal(code(() => pilot.createFromTemplate('nope', {})), 'unknown_template');
  assert.equal(code(() => pilot.createFromTemplate('rolling_restart', {})), 'template_bind');
  assert.equal(code(() => pilot.createFromTemplate('rolling_restart', { vm_names: ['a'], bogus: 1 })), 'template_bind');
  try {
    pilot.createFromTemplate('rolling_restart', {});
  } catch (e) {
    assert.match(e.message, /missing a required argument: 'vm_names'/);
    assert.equal(e.details.error, e.message);
  }
});

test('the skill catalog: 13 skills with risk levels', () => {
  const cat = pilot.skillCatalog();
  assert.equal(Object.keys(cat).length, 13);
  assert.equal(cat.aiops.tools.power_off_vm.risk, 'high');
});

test('upstream 2.4.0 rows load and are written back byte for byte', () => {
  const rows = JSON.parse(readFileSync(new URL('../fixtures/upstream-rows.json', import.meta.url), 'utf8'));
  assert.ok(rows.length >= 5);
  for (const row of rows) {
    const rec = pilot.fromStoredText(row);
    assert.equal(pilot.storedText(rec), row);
  }
});

test('an asynchronous store (IndexedDB-like) drives a workflow with the pure functions', async () => {
  const db = new Map(); // id -> stored text, behind promises
  const put = async (rec) => void db.set(rec.id, pilot.storedText(rec));
  const get = async (id) => pilot.fromStoredText(db.get(id));
  const opts = { mode: 'host', env: { caller: 'agent-7' } };
  let rec = pilot.createFromTemplate('rolling_restart', { vm_names: ['a'] }, opts);
  await put(rec);
  const check = pilot.runCheck(await get(rec.id), { force: true });
  assert.equal(check.refusal, null);
  let t = pilot.run(check.record, opts);
  while (t.checkpoint.kind !== 'completed') {
    await put(t.record); // save before acting on the checkpoint: write-ahead
    const stored = await get(rec.id);
    if (t.checkpoint.kind === 'dispatch') {
      const [req] = t.checkpoint.requests;
      assert.equal(stored.steps[req.index].status, 'running');
      t = pilot.report(stored, req.index, { returned: { ok: true } }, opts);
    } else if (t.checkpoint.kind === 'awaiting_approval') {
      assert.equal(
        code(() => pilot.approve(stored, 'agent-7', { ...opts, approveMode: 'others' })),
        'approval_refused',
      );
      t = pilot.approve(stored, 'lead-ana', { ...opts, approveMode: 'others' });
    } else {
      assert.fail(`unexpected checkpoint ${t.checkpoint.kind}`);
    }
  }
  await put(t.record);
  rec = await get(rec.id);
  assert.equal(rec.state, 'completed');
  assert.equal(rec.approved_by, 'lead-ana');
});

test('runCheck refuses a custom workflow without its gate even with force', () => {
  const rec = pilot.loadRecord({
    ...pilot.createWorkflow('wipe', 'd', []),
    steps: [
      {
        index: 0, action: 'del', skill: 'aiops', tool: 'delete_vm', params: { vm_name: 'x' }, status: 'pending',
        result: null, started_at: '', completed_at: '', rollback_tool: '', rollback_params: {}, group_id: '',
      },
    ],
  });
  const { refusal, record } = pilot.runCheck(rec, { force: true });
  assert.ok(refusal && Array.isArray(refusal.approval_gate_violations));
  assert.deepEqual(record, rec);
  assert.equal(pilot.gateViolations(rec)[0].tool, 'delete_vm');
  assert.equal(pilot.review(rec).verdict, 'needs_revision');
});

test('secrets: redacted() and storedText() mask them; the live record keeps them', () => {
  const rec = pilot.createFromTemplate('patch_deployment', {
    vm_names: ['a'], patch_local_path: '/p', patch_guest_path: '/p', install_command: 'x', username: 'root',
    password: 's3cret-value',
  });
  assert.ok(JSON.stringify(rec).includes('s3cret-value'));
  assert.ok(!JSON.stringify(pilot.redacted(rec)).includes('s3cret-value'));
  assert.ok(!pilot.storedText(rec).includes('s3cret-value'));
});

test('bad arguments are PilotError invalid_argument / invalid_record with a message that says what to pass', () => {
  const rec = pilot.createFromTemplate('rolling_restart', { vm_names: ['a'] });
  assert.equal(code(() => pilot.run(null)), 'invalid_argument');
  assert.equal(code(() => pilot.run({ id: 'x' })), 'invalid_record');
  assert.equal(code(() => pilot.run(rec, { mode: 'turbo' })), 'invalid_argument');
  assert.equal(code(() => pilot.report(rec, 0.5, { returned: 1 }, { mode: 'host' })), 'invalid_argument');
  assert.equal(code(() => pilot.report(rec, 0, { weird: 1 }, { mode: 'host' })), 'invalid_argument');
  assert.equal(code(() => pilot.createWorkflow('x', 'd', 'not a list')), 'invalid_argument');
  assert.equal(code(() => pilot.fromStoredText('{not json')), 'invalid_record');
  assert.equal(code(() => pilot.createFromTemplate('rolling_restart', ['a'])), 'invalid_argument');
  assert.equal(code(() => new pilot.Pilot(42)), 'invalid_argument');
});

// A deterministic generator of awkward values: wrong types, deep nesting, huge numbers,
// odd strings, records with pieces missing or replaced.
function* awkward(seed) {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const atoms = [null, undefined, 0, -1, 1.5, 2 ** 53, NaN, Infinity, '', '__from_step_9__', '***', true, [], {}, 'x'.repeat(5000)];
  const value = (depth) => {
    const r = rnd();
    if (depth > 3 || r < 0.5) return atoms[Math.floor(rnd() * atoms.length)];
    if (r < 0.75) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [`k${i}`, value(depth + 1)]));
  };
  const base = pilot.createFromTemplate('rolling_restart', { vm_names: ['a', 'b'] });
  const keys = Object.keys(base);
  for (;;) {
    const rec = structuredClone(base);
    const k = keys[Math.floor(rnd() * keys.length)];
    rec[k] = value(0);
    if (Array.isArray(rec.steps) && rec.steps.length && rnd() < 0.5) rec.steps[Math.floor(rnd() * rec.steps.length)] = value(0);
    yield { rec, other: value(0) };
  }
}

test('2,000 awkward inputs: every function answers or throws PilotError, never a wasm trap', () => {
  const calls = [
    (r, o) => pilot.run(r, { mode: 'host' }),
    (r, o) => pilot.report(r, 0, { returned: o }, { mode: 'host' }),
    (r, o) => pilot.approve(r, String(o), {}),
    (r) => pilot.rollback(r, {}),
    (r, o) => pilot.cancel(r, String(o)),
    (r) => pilot.review(r),
    (r) => pilot.rollbackPreview(r),
    (r) => pilot.storedText(r),
    (r, o) => pilot.createWorkflow('x', 'y', [o]),
    (r, o) => pilot.createFromTemplate('plan_and_approve', { operations: o }),
    (r, o) => pilot.updateDraft(pilot.designDraft('g'), { steps: [o] }),
  ];
  const gen = awkward(7);
  let refused = 0;
  for (let i = 0; i < 2000; i += 1) {
    const { rec, other } = gen.next().value;
    const call = calls[i % calls.length];
    try {
      call(rec, other);
    } catch (e) {
      assert.ok(e instanceof PilotError, `call ${i % calls.length} threw ${e?.stack ?? e}`);
      assert.notEqual(e.code, 'internal');
      refused += 1;
    }
  }
  assert.ok(refused > 100, `only ${refused} refusals: the generator is not awkward enough`);
  // the module is still healthy afterwards
  assert.equal(pilot.templates().length, 15);
});

test('the declarations: no `any`, and every runtime export is declared (and nothing more)', () => {
  const dts = readFileSync(new URL('../../js/index.d.ts', import.meta.url), 'utf8');
  const code = dts.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  assert.doesNotMatch(code, /(?<!')\bany\b(?!')/); // the type; 'any' the approve mode is a string
  const declared = [...code.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual([...new Set(declared)].sort(), Object.keys(pilot).sort());
});
