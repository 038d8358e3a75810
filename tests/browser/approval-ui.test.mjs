// The approval page (examples/approval-ui/) in a real browser: Debian's chromium driven by
// playwright-core, the page served by examples/approval-ui/serve.mjs.
//
//   node --test tests/browser/
//
// PILOT_PKG_DIR: the package folder to test (default: this repository after
// scripts/build-npm.sh), e.g. an `npm pack`ed copy installed in node_modules/vmware-pilot.
// Both the page (its /pkg/dist/web build) and the Node side here use that folder.
//
// The cases below run in order and build on each other: one import, then one decision each.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { start } from '../../examples/approval-ui/serve.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PKG_DIR = resolve(process.env.PILOT_PKG_DIR || REPO);
const CHROMIUM = '/usr/bin/chromium';
const PREFIX = 'vmware-pilot:';

// The package's Node build, loaded in `before` once the build is known to exist.
let Pilot, memoryStorage, loadRecord;

/** Host mode: performs every dispatched step (reporting success) until the approval gate. */
function runToGate(pilot, id) {
  let t = pilot.run(id);
  for (let rounds = 0; t.checkpoint.kind === 'dispatch'; rounds += 1) {
    assert.ok(rounds < 100, 'the workflow never reached its gate');
    for (const request of t.checkpoint.requests) t = pilot.report(id, request.index, { returned: { ok: true } });
  }
  assert.equal(t.checkpoint.kind, 'awaiting_approval');
  return pilot.get(id);
}

/** Three workflows at their gate: two created by the agent, the third by ana. */
function prepareExport() {
  const map = new Map();
  const store = memoryStorage(map);
  const agent = new Pilot(store, { caller: 'agent-7', mode: 'host' });
  const ana = new Pilot(store, { caller: 'ana', mode: 'host' });
  const restart = agent.createFromTemplate('rolling_restart', { vm_names: ['web-01', 'web-02'] });
  const storageExp = agent.createFromTemplate('storage_expansion', { host_name: 'esx-04', iscsi_address: '10.0.0.9' });
  // clone_and_test runs steps with an undo before its gate: a non-empty blast radius.
  const clone = ana.createFromTemplate('clone_and_test', {
    target_vm: 'db-01',
    change_spec: { cpu: 4 },
    snapshot_name: 'baseline',
  });
  for (const w of [restart, storageExp, clone]) runToGate(agent, w.id);
  const records = [restart, storageExp, clone].map((w) => JSON.parse(map.get(w.id).text));
  return { records, ids: { first: restart.id, second: storageExp.id, third: clone.id } };
}

const gateOf = (record) => record.steps.find((s) => s.action === 'require_approval');

describe('approval page', () => {
  let server;
  let context;
  let page;
  let profile;
  let exported;
  const problems = []; // console errors, page errors, failed or off-site requests

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` to run the browser tests`);
    }
    if (!existsSync(join(PKG_DIR, 'dist/web/index.mjs'))) {
      throw new Error(`${PKG_DIR}/dist/web/index.mjs is missing: build the package with scripts/build-npm.sh`);
    }
    ({ Pilot, memoryStorage, loadRecord } = createRequire(import.meta.url)(join(PKG_DIR, 'dist/node/index.cjs')));
    exported = prepareExport();
    server = await start({ port: 0, pkgDir: PKG_DIR });
    profile = mkdtempSync(join(tmpdir(), 'pilot-chromium-'));
    // Playwright refuses `--user-data-dir` in `args`: a fresh profile is passed as the
    // persistent context's folder instead (same effect: nothing from earlier runs).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    // The page must need nothing but our server.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
      problems.push(`off-site request: ${url}`);
      return route.abort();
    });
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const entry = (id) => page.locator(`#awaiting [data-workflow-id="${id}"]`);
  const row = (id) => page.locator(`#all-workflows [data-workflow-id="${id}"]`);
  const asFile = (name, data) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(data)) });

  async function decide(id, button, { approver, reason = '' }) {
    await entry(id).click();
    await page.locator('#detail-id').filter({ hasText: id }).waitFor();
    await page.fill('#approver', approver);
    await page.fill('#reason', reason);
    await page.click(button);
  }

  it('imports an export of three workflows, all awaiting approval', async () => {
    await page.setInputFiles('#import-file', asFile('export.json', exported.records));
    await assert.doesNotReject(page.locator('#import-result').filter({ hasText: '3 added' }).waitFor());
    assert.equal(await page.locator('#awaiting [data-workflow-id]').count(), 3);
    for (const id of Object.values(exported.ids)) {
      assert.equal(await row(id).getAttribute('data-state'), 'awaiting_approval');
      assert.match(await entry(id).innerText(), /agent-7|ana/);
    }
    assert.match(await entry(exported.ids.first).innerText(), /rolling_restart[\s\S]*1 of 8 steps done/);
  });

  it('prints no stray "null" in the import result, and fits a 390 px phone screen', async () => {
    const text = await page.locator('#import-result').textContent();
    assert.ok(!/\bnull\b/.test(text ?? ''), `import result: ${text}`);
    await page.setViewportSize({ width: 390, height: 844 });
    const ids = await page.locator('#awaiting [data-workflow-id]').evaluateAll((els) => els.map((e) => e.dataset.workflowId));
    await entry(ids[0]).click();
    await page.locator('#detail-id').filter({ hasText: ids[0] }).waitFor();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.body.scrollWidth]);
    // what sticks out, to name in the failure
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > 391 && e.offsetParent !== null && !e.closest("table"))
        .slice(-6)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className} under ${e.parentElement?.tagName}.${e.parentElement?.className}#${e.parentElement?.id} (${Math.round(e.getBoundingClientRect().right)})`),
    );
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.ok(Math.max(...widths) <= 390, `the page is ${Math.max(...widths)} px wide at 390 px: ${wide.join(', ')}`);
  });

  it('replaces a known id and reports each record it cannot import', async () => {
    const third = exported.records[2];
    await page.setInputFiles('#import-file', asFile('mixed.json', { workflows: [third, { id: 'wf-junk' }, 'junk'] }));
    const result = page.locator('#import-result');
    await result.filter({ hasText: '1 replaced' }).waitFor();
    const text = await result.innerText();
    assert.match(text, /0 added, 1 replaced, 2 not imported/);
    assert.match(text, /record 2 \(wf-junk\): invalid_record/);
    assert.match(text, /record 3: invalid_record/);
    assert.equal(await page.locator('#awaiting [data-workflow-id]').count(), 3);
    assert.equal(await page.evaluate((k) => JSON.parse(localStorage.getItem(k)).revision, PREFIX + third.id), 2);
  });

  it('shows the gate, the steps on each side of it and an empty blast radius', async () => {
    await entry(exported.ids.first).click();
    assert.match(await page.innerText('#gate-message'), /Rolling restart 2 VMs: web-01, web-02/);
    const done = await page.locator('#steps-done tbody tr').allInnerTexts();
    assert.deepEqual(done.length, 1);
    assert.match(done[0], /monitor\.get_alarms\s+success/);
    const next = await page.locator('#steps-next tbody tr').allInnerTexts();
    assert.equal(next.length, 6);
    assert.match(next[0], /2\s+power_off_web-01\s+aiops\.power_off_vm\s+undo: power_on_vm\s+pending/);
    const radius = await page.innerText('#blast-radius'); // headings are upper-cased by CSS
    assert.match(radius, /Would be rolled back\s+0\s+nothing/i);
  });

  it('refuses an approval without a name', async () => {
    await decide(exported.ids.first, '#approve', { approver: '' });
    await page.locator('#error').waitFor({ state: 'visible' });
    assert.match(await page.innerText('#error'), /approver_required/);
    assert.equal(await row(exported.ids.first).getAttribute('data-state'), 'awaiting_approval');
  });

  it('approves the first as ana and holds it: pending, gate done, nothing after it run', async () => {
    const id = exported.ids.first;
    await decide(id, '#approve', { approver: 'ana' });
    await page.locator('#status').waitFor({ state: 'visible' });
    const status = await page.innerText('#status');
    assert.match(status, /Approved/);
    assert.ok(status.includes(id));
    assert.equal(await page.getAttribute('#status-state', 'data-state'), 'pending');
    assert.match(status, /gate step 1 success/);
    assert.equal(await page.isVisible('#error'), false);
    assert.equal(await row(id).getAttribute('data-state'), 'pending');
    assert.equal(await entry(id).count(), 0);
  });

  it('rejects the second as ana with a reason: cancelled', async () => {
    const id = exported.ids.second;
    await decide(id, '#reject', { approver: 'ana', reason: 'no change window this week' });
    await page.locator('#status').filter({ hasText: 'Rejected' }).waitFor();
    assert.equal(await page.getAttribute('#status-state', 'data-state'), 'cancelled');
    assert.equal(await row(id).getAttribute('data-state'), 'cancelled');
    assert.equal(await page.locator('#awaiting [data-workflow-id]').count(), 1);
  });

  it("refuses ana's approval of the workflow she created, visibly", async () => {
    const id = exported.ids.third;
    await entry(id).click();
    // Its blast radius: the clone's power-on would be undone, the clone itself stays.
    const radius = await page.innerText('#blast-radius');
    assert.match(radius, /Would be rolled back\s+1\s+#2 aiops\.power_on_vm — undone by power_off_vm/i);
    assert.match(radius, /Left in place\s+2\s+#0 aiops\.deploy_linked_clone/i);
    assert.match(radius, /Blockers\s+0\s+none/i);

    await decide(id, '#approve', { approver: 'ana' });
    await page.locator('#error').waitFor({ state: 'visible' });
    const error = await page.innerText('#error');
    assert.match(error, /approval_refused/);
    assert.match(error, /ana/);
    assert.equal(await page.isVisible('#status'), false);
    assert.equal(await row(id).getAttribute('data-state'), 'awaiting_approval');
    assert.equal(await entry(id).count(), 1);

    mkdirSync(join(REPO, 'target'), { recursive: true });
    await page.screenshot({ path: join(REPO, 'target/approval-ui.png'), fullPage: true });
  });

  it('leaves the store with the decisions recorded and nothing run past a gate', async () => {
    const entries = await page.evaluate((prefix) => {
      const out = {};
      for (let i = 0; i < localStorage.length; i += 1) {
        const key = localStorage.key(i);
        if (key.startsWith(prefix)) out[key.slice(prefix.length)] = localStorage.getItem(key);
      }
      return out;
    }, PREFIX);
    const { first, second, third } = exported.ids;
    assert.deepEqual(Object.keys(entries).sort(), [first, second, third].sort());
    const stored = (id) => loadRecord(JSON.parse(entries[id]).record);

    const approved = stored(first);
    assert.equal(approved.state, 'pending');
    assert.equal(approved.approved_by, 'ana');
    assert.equal(gateOf(approved).status, 'success');
    assert.ok(approved.steps.filter((s) => s.index > gateOf(approved).index).every((s) => s.status === 'pending'));

    const rejected = stored(second);
    assert.equal(rejected.state, 'cancelled');
    assert.ok(rejected.steps.filter((s) => s.index > gateOf(rejected).index).every((s) => s.status === 'skipped'));
    assert.ok(rejected.audit_log.some((e) => /rejected by ana: no change window this week/.test(e.detail)));

    const refused = stored(third);
    assert.deepEqual(refused, loadRecord(exported.records[2])); // untouched by the refusal
    assert.equal(refused.state, 'awaiting_approval');
    assert.equal(refused.approved_by, '');
  });

  it('logged no console error, page error or failed request', () => {
    assert.deepEqual(problems, []);
  });
});
