// What the package README says about bundlers, checked in a real browser: an app that
// imports the installed package (PILOT_APP_DIR: a folder with node_modules/vmware-pilot, as
// tests/npm-pack/check.sh makes it), bundled by Vite and by esbuild, served, and run in
// Debian's chromium. Vite emits the .wasm itself; esbuild needs the .wasm copied next to the
// bundle or its URL passed to ready(); without either, ready() fails (the README says so).
//
//   PILOT_APP_DIR=... node --test tests/npm-pack/bundlers.test.mjs

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const APP = process.env.PILOT_APP_DIR;
const WASM = APP && join(APP, 'node_modules/vmware-pilot/dist/web/pilot_core_bg.wasm');
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** The app: a workflow created and run to its first dispatch, the result in the title. */
const main = (readyArg) => `
import { ready, Pilot, memoryStorage, version } from 'vmware-pilot';
try {
  await ready(${readyArg});
  const p = new Pilot(memoryStorage(), { caller: 'agent', mode: 'host' });
  const wf = p.createFromTemplate('rolling_restart', { vm_names: ['web-01'] });
  document.title = 'ok ' + version() + ' ' + p.run(wf.id).checkpoint.kind;
} catch (e) {
  document.title = 'error ' + (e.code ?? e.name);
}
`;

let root, server, base, context;

function serve(dir) {
  return new Promise((resolveListen) => {
    const s = createServer((req, res) => {
      const path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
      const file = path.endsWith(sep) ? join(path, 'index.html') : path;
      if (!file.startsWith(dir) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    s.listen(0, '127.0.0.1', () => resolveListen(s));
  });
}

async function titleOf(path) {
  const page = await context.newPage();
  try {
    await page.goto(`${base}/${path}`);
    await page.waitForFunction(() => document.title.startsWith('ok') || document.title.startsWith('error'), null, {
      timeout: 20_000,
    });
    return await page.title();
  } finally {
    await page.close();
  }
}

before(async () => {
  assert.ok(APP && existsSync(WASM), 'PILOT_APP_DIR must hold an installed vmware-pilot (tests/npm-pack/check.sh)');
  root = mkdtempSync(join(tmpdir(), 'pilot-bundlers-'));
  const bin = (name) => join(REPO, 'node_modules/.bin', name);
  const html = (src) => `<!doctype html><html><body><script type="module" src="${src}"></script></body></html>`;

  // Vite: the app's own index.html, built from the app folder
  const vite = join(APP, 'vite-app');
  mkdirSync(vite, { recursive: true });
  writeFileSync(join(vite, 'main.js'), main(''));
  writeFileSync(join(vite, 'index.html'), html('./main.js'));
  execFileSync(bin('vite'), ['build', '--logLevel', 'error', '--outDir', join(root, 'vite'), '--base', './'], {
    cwd: vite,
    stdio: 'pipe',
  });

  // esbuild: three bundles of the same app
  const esb = (name, readyArg) => {
    const src = join(APP, `${name}.js`);
    writeFileSync(src, main(readyArg));
    mkdirSync(join(root, name), { recursive: true });
    execFileSync(bin('esbuild'), [src, '--bundle', '--format=esm', `--outfile=${join(root, name, 'main.js')}`, '--log-level=error'], {
      cwd: APP,
      stdio: 'pipe',
    });
    writeFileSync(join(root, name, 'index.html'), html('./main.js'));
  };
  esb('esbuild-copied', '');
  copyFileSync(WASM, join(root, 'esbuild-copied', 'pilot_core_bg.wasm'));
  esb('esbuild-url', "'/assets/pilot_core_bg.wasm'");
  mkdirSync(join(root, 'assets'));
  copyFileSync(WASM, join(root, 'assets', 'pilot_core_bg.wasm'));
  esb('esbuild-bare', '');

  server = await serve(root);
  base = `http://127.0.0.1:${server.address().port}`;
  const profile = mkdtempSync(join(tmpdir(), 'pilot-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

after(async () => {
  await context?.close();
  server?.close();
});

test('Vite: the .wasm is emitted as an asset and the app runs as is', async () => {
  assert.ok(readdirSync(join(root, 'vite', 'assets')).some((f) => f.endsWith('.wasm')), 'vite emitted the .wasm');
  assert.match(await titleOf('vite/'), /^ok \S+ dispatch$/);
});

test('esbuild: the .wasm copied next to the bundle', async () => {
  assert.match(await titleOf('esbuild-copied/'), /^ok \S+ dispatch$/);
});

test('esbuild: the .wasm served elsewhere, its URL passed to ready()', async () => {
  assert.match(await titleOf('esbuild-url/'), /^ok \S+ dispatch$/);
});

test('esbuild without either: ready() fails, as the README warns', async () => {
  assert.match(await titleOf('esbuild-bare/'), /^error /);
});
