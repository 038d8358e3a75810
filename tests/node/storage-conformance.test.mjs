// tests/storage/conformance.json against the npm package's storages: memoryStorage,
// keyValueStorage over a plain string map, and fileStorage over a real folder. Records are
// created through a Pilot (which hands the storage redacted rows), or — when a case
// overrides fields — as the redacted record saved directly; listing goes through a Pilot,
// which orders and filters what the storage's list() returns.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { pilot, tempDir } from './helpers.mjs';

const { Pilot } = pilot;
const cases = JSON.parse(readFileSync(new URL('../storage/conformance.json', import.meta.url), 'utf8')).cases;
const rows = JSON.parse(readFileSync(new URL('../fixtures/upstream-rows.json', import.meta.url), 'utf8'));

const adapters = {
  memoryStorage: () => pilot.memoryStorage(),
  keyValueStorage: () => {
    const texts = new Map();
    return pilot.keyValueStorage({
      read: (id) => texts.get(id) ?? null,
      write: (id, text) => void texts.set(id, text),
      remove: (id) => void texts.delete(id),
      ids: () => [...texts.keys()],
    });
  },
  fileStorage: () => pilot.fileStorage(tempDir('conformance')),
};

function matches(want, got) {
  if (want !== null && typeof want === 'object') {
    return got !== null && typeof got === 'object' && Object.entries(want).every(([k, v]) => k in got && matches(v, got[k]));
  }
  return want === got;
}

function runCase(storage, c) {
  const ids = new Map();
  const handles = new Map();
  let entropy = 0;
  const id = (name) => ids.get(name) ?? name;
  for (const op of c.ops) {
    const ctx = `${c.name}: ${JSON.stringify(op)}`;
    switch (op.op) {
      case 'create': {
        entropy += 1;
        const env = { nowMicros: 1_795_305_600_000_000, utcOffsetSeconds: 0, entropy, caller: 'tester' };
        if (op.created_at || op.state) {
          const rec = pilot.createFromTemplate(op.template, op.args, { env });
          if (op.created_at) rec.created_at = op.created_at;
          if (op.state) rec.state = op.state;
          storage.save(pilot.redacted(rec), null);
          ids.set(op.as, rec.id);
        } else {
          const p = new Pilot(storage, { caller: 'tester' });
          ids.set(op.as, p.createFromTemplate(op.template, op.args).id);
        }
        break;
      }
      case 'open':
        handles.set(op.handle, storage.load(id(op.id)));
        break;
      case 'write': {
        const h = handles.get(op.handle);
        const record = { ...h.record, blocked_reason: op.blocked_reason };
        if (op.expect === 'ok') {
          handles.set(op.handle, { record, revision: storage.save(record, h.revision) });
        } else {
          assert.throws(() => storage.save(record, h.revision), (e) => e.code === 'conflict', ctx);
        }
        break;
      }
      case 'load': {
        const got = storage.load(id(op.id));
        if (op.expect === null) assert.equal(got, null, ctx);
        else assert.ok(got && matches(op.expect, got.record), ctx);
        break;
      }
      case 'list': {
        const listed = new Pilot(storage).list({ active: Boolean(op.active) }).map((r) => r.id);
        assert.deepEqual(listed, op.expect.map(id), ctx);
        break;
      }
      case 'list_row': {
        const row = new Pilot(storage).list().find((r) => r.id === id(op.id));
        assert.ok(matches(op.expect, row), `${ctx}: ${JSON.stringify(row)}`);
        break;
      }
      case 'delete':
        assert.equal(storage.delete(id(op.id)), op.expect, ctx);
        break;
      case 'load_unknown':
        assert.equal(storage.load('wf-20990101-000000-ffffff'), null, ctx);
        break;
      case 'stored_text_lacks':
        assert.ok(!storage.loadText(id(op.id)).text.includes(op.text), ctx);
        assert.ok(!JSON.stringify(storage.load(id(op.id))).includes(op.text), ctx);
        break;
      case 'load_fresh': {
        const rec = new Pilot(storage).get(id(op.id));
        const p = op.expect_param;
        assert.equal(rec.steps[p.step].params[p.key], p.value, ctx);
        break;
      }
      case 'upstream_rows':
        for (const row of rows) {
          const rid = JSON.parse(row).id;
          const current = storage.loadText(rid);
          storage.saveText(rid, row, current ? current.revision : null);
          assert.equal(storage.loadText(rid).text, row, ctx);
          assert.equal(pilot.storedText(new Pilot(storage).get(rid)), row, ctx);
        }
        break;
      default:
        throw new Error(`unknown op ${op.op}`);
    }
  }
}

for (const [name, make] of Object.entries(adapters)) {
  for (const c of cases) {
    test(`${name}: ${c.name}`, () => runCase(make(), c));
  }
}
