#!/usr/bin/env node
// A tiny static server for the approval page, with no dependencies.
//
//   node examples/approval-ui/serve.mjs [PORT] [--pkg DIR]
//
// `/` is this folder, `/pkg/` is the vmware-pilot package folder DIR (default: the repository
// root, after `scripts/build-npm.sh`; or an installed copy such as node_modules/vmware-pilot),
// so the page imports `/pkg/dist/web/index.mjs`. It listens on 127.0.0.1 only: it is a local
// tool, never meant to be reachable from the network. PORT 0 (the default) picks a free port.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..');
const HOST = '127.0.0.1';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  // Browsers only stream-compile WebAssembly served with exactly this type.
  '.wasm': 'application/wasm',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** The file for a URL path under `root`, or null when the path leaves `root` or names a
 * hidden file or folder (the default package folder is the repository, .git included). */
function fileUnder(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const parts = decoded.split('/').filter(Boolean);
  if (parts.some((p) => p.startsWith('.') || p.includes('\\') || p.includes('\0'))) return null;
  const file = resolve(root, ...parts);
  return file === root || file.startsWith(root + sep) ? file : null;
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

async function handle(req, res, pageDir, pkgDir) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  const { pathname } = new URL(req.url, `http://${HOST}`);
  let file;
  if (pathname === '/') file = join(pageDir, 'index.html');
  else if (pathname.startsWith('/pkg/')) file = fileUnder(pkgDir, pathname.slice('/pkg/'.length));
  else file = fileUnder(pageDir, pathname);
  if (!file) return send(res, 404, 'not found\n');

  let info;
  try {
    info = await stat(file);
  } catch {
    return send(res, 404, 'not found\n');
  }
  if (!info.isFile()) return send(res, 404, 'not found\n');

  res.writeHead(200, {
    'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    // A development server: always serve the freshly built package.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Starts the server; resolves to `{url, port, server, close()}` once it listens. */
export function start({ port = 0, pkgDir = REPO_ROOT } = {}) {
  const pageDir = resolve(HERE);
  const pkg = resolve(pkgDir);
  const server = createServer((req, res) => {
    handle(req, res, pageDir, pkg).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  return new Promise((resolveStart, rejectStart) => {
    server.once('error', rejectStart);
    server.listen(port, HOST, () => {
      server.off('error', rejectStart);
      const actual = server.address().port;
      resolveStart({
        url: `http://${HOST}:${actual}/`,
        port: actual,
        server,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // Keep-alive connections from a browser would hold close() open otherwise.
            server.closeAllConnections();
          }),
      });
    });
  });
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--pkg') {
      if (argv[i + 1] === undefined) throw new Error('--pkg needs a folder');
      options.pkgDir = argv[(i += 1)];
    } else if (arg.startsWith('--pkg=')) {
      options.pkgDir = arg.slice('--pkg='.length);
    } else if (/^\d+$/.test(arg)) {
      options.port = Number(arg);
    } else {
      throw new Error(`unknown argument ${arg}; usage: serve.mjs [PORT] [--pkg DIR]`);
    }
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  const { url } = await start(options);
  console.log(`approval page: ${url}  (package: ${resolve(options.pkgDir ?? REPO_ROOT)})`);
}
