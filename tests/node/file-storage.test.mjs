// fileStorage: the storage contract on real files, and several Node processes racing on one
// folder — exactly one wins each transition, the others get a conflict, nothing is lost.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { drive, pilot, tempDir } from './helpers.mjs';

const { Pilot, fileStorage } = pilot;
const packageEntry = fileURLToPath(new URL('../../dist/node/index.cjs', import.meta.url));

test('the contract on files: revisions, conflicts, already_exists, delete, 0600 files', () => {
  const dir = tempDir('files');
  const s = fileStorage(dir);
  const rec = pilot.createFromTemplate('rolling_restart', { vm_names: ['a'] });
  assert.equal(s.save(rec, null), 1);
  assert.throws(() => s.save(rec, null), (e) => e.code === 'already_exists');
  assert.throws(() => s.save(rec, 0), (e) => e.code === 'conflict' && e.found === 1);
  assert.equal(s.save(rec, 1), 2);
  assert.equal(s.load(rec.id).revision, 2);
  assert.deepEqual(s.load(rec.id).record, rec);
  const [file] = readdirSync(dir);
  assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.deepEqual(s.list().map((r) => r.id), [rec.id]);
  assert.equal(s.delete(rec.id), true);
  assert.equal(s.delete(rec.id), false);
  assert.equal(s.load(rec.id), null);
  assert.deepEqual(readdirSync(dir), [], 'no lock or temporary files left behind');
});

/** A child process that loads the workflow and tries one transition. */
function contender(dir, id, name, action) {
  const code = `
    const p = require(${JSON.stringify(packageEntry)});
    const pilot = new p.Pilot(p.fileStorage(${JSON.stringify(dir)}), { caller: ${JSON.stringify(name)}, mode: 'host' });
    pilot.get(${JSON.stringify(id)});                 // everyone reads the same revision first
    const until = Date.now() + 300; while (Date.now() < until);   // then they all write at once
    try {
      const t = ${action};
      console.log(JSON.stringify({ ok: true, kind: t.checkpoint.kind }));
    } catch (e) {
      console.log(JSON.stringify({ ok: false, code: e.code }));
    }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out)));
  });
}

test('six processes approve one gate at once: exactly one approval is recorded', async () => {
  const dir = tempDir('race-approve');
  const planner = new Pilot(fileStorage(dir), { caller: 'agent-7', mode: 'host' });
  const wf = planner.createFromTemplate('rolling_restart', { vm_names: ['a'] });
  drive(planner, wf.id, planner.run(wf.id, { force: true }));
  const names = ['ana', 'bo', 'cy', 'di', 'ed', 'flo'];
  const results = await Promise.all(
    names.map((n) => contender(dir, wf.id, n, `pilot.approve(${JSON.stringify(wf.id)}, ${JSON.stringify(n)}, { hold: true })`)),
  );
  const winners = results.filter((r) => r.ok);
  assert.equal(winners.length, 1, JSON.stringify(results));
  // a loser either held a stale copy (conflict) or, starting late, read the approved record
  const losers = results.filter((r) => !r.ok);
  assert.ok(losers.every((r) => ['conflict', 'not_awaiting_approval'].includes(r.code)), JSON.stringify(results));
  const stored = JSON.parse(readFileSync(join(dir, `${encodeURIComponent(wf.id)}.json`), 'utf8'));
  assert.equal(stored.record.state, 'pending');
  assert.equal(stored.record.audit_log.filter((a) => a.action === 'approved').length, 1);
  assert.ok(names.includes(stored.record.approved_by));
});

test('four processes report the same dispatched step: one result is kept, none is lost silently', async () => {
  const dir = tempDir('race-report');
  const planner = new Pilot(fileStorage(dir), { caller: 'agent-7', mode: 'host' });
  const wf = planner.createFromTemplate('rolling_restart', { vm_names: ['a'] });
  const t = planner.run(wf.id, { force: true });
  assert.equal(t.checkpoint.kind, 'dispatch');
  const results = await Promise.all(
    ['w1', 'w2', 'w3', 'w4'].map((n) =>
      contender(dir, wf.id, n, `pilot.report(${JSON.stringify(wf.id)}, 0, { returned: { by: ${JSON.stringify(n)} } })`),
    ),
  );
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
  assert.ok(results.filter((r) => !r.ok).every((r) => ['conflict', 'report_not_running'].includes(r.code)));
  const stored = JSON.parse(readFileSync(join(dir, `${encodeURIComponent(wf.id)}.json`), 'utf8'));
  assert.equal(stored.record.steps[0].status, 'success');
  assert.equal(stored.record.audit_log.filter((a) => a.action === 'step_completed').length, 1);
});

test('keyValueStorage entries are JSON whose record is the row vmware-pilot 2.4.0 stores', () => {
  const texts = new Map();
  const s = pilot.keyValueStorage({
    read: (id) => texts.get(id) ?? null,
    write: (id, text) => void texts.set(id, text),
    remove: (id) => void texts.delete(id),
    ids: () => [...texts.keys()],
  });
  const p = new Pilot(s, { caller: 'agent-7', mode: 'host' });
  const wf = p.createFromTemplate('rolling_restart', { vm_names: ['a'] });
  drive(p, wf.id, p.run(wf.id, { force: true }));
  const entry = JSON.parse(texts.get(wf.id));
  assert.equal(entry.revision, s.loadText(wf.id).revision);
  assert.equal(s.loadText(wf.id).text, pilot.storedText(p.get(wf.id)));
  assert.deepEqual(entry.record, JSON.parse(pilot.storedText(p.get(wf.id))));
  // a hand-written entry (other spacing) still loads
  texts.set(wf.id, JSON.stringify({ record: entry.record, revision: entry.revision }, null, 2));
  const q = new Pilot(s, { caller: 'x', mode: 'host' });
  assert.equal(q.get(wf.id).state, 'awaiting_approval');
});
