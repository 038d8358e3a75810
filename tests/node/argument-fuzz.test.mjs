// A language model sends numbers where ids belong and objects where strings belong: every
// function of the package and every Pilot method, called with every kind of JS value in
// every argument position, answers or throws PilotError — never a WebAssembly trap, never
// code `internal`, never a bare TypeError — and the module still answers afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pilot, pythonIsms, proseOf } from './helpers.mjs';

// every message thrown by the sweep, checked for Python spellings at the end
const messages = new Set();

const HUGE = 'x'.repeat(1 << 20);
const VALUES = {
  number: 42,
  negative: -1,
  huge_number: 1e308,
  NaN: Number.NaN,
  object: {},
  array: [],
  null: null,
  undefined: undefined,
  boolean: true,
  empty_string: '',
  huge_string: HUGE,
  lone_surrogate: '\ud800',
  nested: { workflow_id: 42, steps: { 0: 1 } },
};
// the engine-backed exports (the storage adapters are plain JS objects over the host's own backend)
const SKIP = new Set(['PilotError', 'Pilot', 'memoryStorage', 'webStorage', 'keyValueStorage', 'fileStorage', 'ready']);

function outcome(fn) {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return `trap: ${e.message}`;
    if (!(e instanceof pilot.PilotError)) return `not a PilotError: ${e?.name}: ${e?.message}`;
    if (e.code === 'internal') return `internal: ${e.message}`;
    messages.add(e.message);
    for (const text of proseOf(e.details)) messages.add(text);
    return e.code;
  }
}

function sweep(name, call, arity) {
  const bad = [];
  let tried = 0;
  for (let pos = 0; pos < arity; pos += 1) {
    for (const [kind, v] of Object.entries(VALUES)) {
      const args = Array.from({ length: arity }, () => undefined);
      args[pos] = v;
      const got = outcome(() => call(...args));
      tried += 1;
      if (got.startsWith('trap') || got.startsWith('internal') || got.startsWith('not a PilotError')) {
        bad.push(`${name} arg ${pos} = ${kind}: ${got}`);
      }
    }
  }
  return { bad, tried };
}

test('every export and every Pilot method × every kind of value: no trap, only PilotError', () => {
  const bad = [];
  let tried = 0;
  const functions = Object.entries(pilot).filter(([k, v]) => typeof v === 'function' && !SKIP.has(k));
  for (const [name, fn] of functions) {
    const r = sweep(name, fn, 4);
    bad.push(...r.bad);
    tried += r.tried;
  }
  const wf = pilot.createFromTemplate('rolling_restart', { vm_names: ['web-01'] });
  for (const method of Object.getOwnPropertyNames(pilot.Pilot.prototype).filter((m) => m !== 'constructor' && m !== 'free')) {
    const p = new pilot.Pilot(null, { caller: 'agent', mode: 'host' });
    p.importRecord(wf);
    const r = sweep(`Pilot.${method}`, (...args) => p[method](...args), 4);
    bad.push(...r.bad);
    tried += r.tried;
    // the same Pilot still works after the barrage
    assert.equal(p.get(wf.id).id, wf.id, `Pilot.${method}: the Pilot answers afterwards`);
  }
  for (const [kind, v] of Object.entries(VALUES)) {
    const got = outcome(() => new pilot.Pilot(v, v));
    tried += 1;
    if (got.startsWith('trap') || got.startsWith('internal') || got.startsWith('not a PilotError')) {
      bad.push(`new Pilot(${kind}, ${kind}): ${got}`);
    }
  }
  console.log(`argument fuzz: ${functions.length} functions and the Pilot methods, ${tried} calls, ${bad.length} bad`);
  assert.deepEqual(bad, []);
  // and every refusal spoke JavaScript
  const isms = [...messages].flatMap(pythonIsms);
  console.log(`argument fuzz: ${messages.size} distinct messages, ${isms.length} with Python spellings`);
  assert.deepEqual(isms, []);
  // the module still answers
  assert.equal(typeof pilot.version(), 'string');
  const t = pilot.run(pilot.createFromTemplate('rolling_restart', { vm_names: ['a'] }), { mode: 'host' });
  assert.equal(t.checkpoint.kind, 'dispatch');
});
