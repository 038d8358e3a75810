// Shared by the Node tests: the package as built in dist/, and small host-side helpers.

import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const pilot = createRequire(import.meta.url)('../../dist/node/index.cjs');

export const tempDir = (label) => mkdtempSync(join(tmpdir(), `pilot-${label}-`));

/** Runs a Pilot transition loop in host mode, performing each dispatch with `perform`
 * (returns the outcome to report), until a checkpoint that is not a dispatch. */
export function drive(p, id, t, perform = (req) => ({ returned: { ok: true, tool: req.tool } })) {
  let cur = t;
  while (cur.checkpoint.kind === 'dispatch') {
    let next = cur;
    for (const req of cur.checkpoint.requests) next = p.report(id, req.index, perform(req));
    cur = next;
  }
  return cur;
}

/** A storage that records every save (a copy of what was written) around another one. */
export function recording(inner) {
  const saves = [];
  return {
    saves,
    load: (id) => inner.load(id),
    save: (record, expected) => {
      const rev = inner.save(record, expected);
      saves.push(structuredClone(record));
      return rev;
    },
    list: () => inner.list(),
    delete: (id) => inner.delete(id),
  };
}

export const restart = (vms) => ['rolling_restart', { vm_names: vms }];
