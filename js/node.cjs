'use strict';
// The Node entry (CommonJS; dist/node/index.mjs re-exports it for `import`). The wasm module
// is instantiated synchronously when this file is required, so the API is usable at once;
// `ready()` exists for code shared with browsers.

const fs = require('node:fs');
const path = require('node:path');
const native = require('./pilot_core.js');
const { createApi, keyValueStorage } = require('../api.cjs');

const api = createApi(native, () => {});

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const pause = (ms) => Atomics.wait(sleeper, 0, 0, ms);

/** Runs `fn` holding `<file>.lock` (created exclusively), so that the revision check and the
 * write of one save are atomic across processes sharing the folder. A lock older than
 * `staleMs` was left by a process that died mid-save and is broken. */
function withLock(file, fn, { waitMs = 5000, staleMs = 10000 } = {}) {
  const lock = `${file}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx', 0o600));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > staleMs) fs.rmSync(lock, { force: true });
      } catch (_) {
        /* the holder just released it */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}: another process holds it`);
      pause(2);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** Storage in a folder: one `<id>.json` file per workflow (`{"revision", "record"}`), written
 * through a temporary file and a rename so a crash never leaves half a record, folder 0700
 * and files 0600 like upstream's database. Safe for several processes at once. */
function fileStorage(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (id) => path.join(dir, `${encodeURIComponent(id)}.json`);
  const inner = keyValueStorage({
    read(id) {
      try {
        return fs.readFileSync(file(id), 'utf8');
      } catch (e) {
        if (e.code === 'ENOENT') return null;
        throw e;
      }
    },
    write(id, text) {
      const tmp = `${file(id)}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, file(id));
    },
    remove(id) {
      fs.rmSync(file(id), { force: true });
    },
    ids() {
      return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => decodeURIComponent(f.slice(0, -'.json'.length)));
    },
  });
  return {
    ...inner,
    // the head of the file holds the revision: asked before every call, so only it is read
    revision(id) {
      let fd;
      try {
        fd = fs.openSync(file(id), 'r');
      } catch (e) {
        if (e.code === 'ENOENT') return null;
        throw e;
      }
      try {
        const head = Buffer.alloc(40);
        const n = fs.readSync(fd, head, 0, head.length, 0);
        const m = head.toString('utf8', 0, n).match(/^\{"revision":(\d+),/);
        return m ? Number(m[1]) : inner.revision(id);
      } finally {
        fs.closeSync(fd);
      }
    },
    saveText: (id, text, expected) => withLock(file(id), () => inner.saveText(id, text, expected)),
    save: (record, expected) => withLock(file(record.id), () => inner.save(record, expected)),
    delete: (id) => withLock(file(id), () => inner.delete(id)),
  };
}

module.exports = { ...api, fileStorage, ready: () => Promise.resolve() };
