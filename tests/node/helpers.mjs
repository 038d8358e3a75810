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

/** Python spellings in a message the npm package shows (its prose speaks JavaScript):
 * keyword flags, Python literals and exception classes, dict literals, MCP tool names. */
const PYTHON_ISMS = [
  /\w=(True|False|None)\b/,
  /\b(True|False|None|NoneType)\b/,
  /\b(KeyError|TypeError|ValueError|JSONDecodeError|AttributeError)\b/,
  /\{'/,
  /(?<![.\w])(create_workflow|create_workflow_from_template|design_workflow|update_draft|confirm_draft|run_workflow|cancel_workflow|review_workflow|get_workflow_status|list_workflows|get_skill_catalog)\b/,
  /\backnowledge_(not_executed|unknown_effects)\b/,
];
export function pythonIsms(text) {
  return PYTHON_ISMS.filter((re) => re.test(text)).map((re) => `${re} in ${JSON.stringify(text.slice(0, 300))}`);
}

/** The prose of an answer or error details (what `speak_answer` words for JavaScript). */
const PROSE = new Set(['error', 'message', 'hint', 'next_step', 'note', 'reason', 'retry', 'blockers', 'unmeasured', 'handed_out_to_caller_note']);
const DATA = new Set(['record', 'records', 'steps', 'params', 'result', 'rollback_results', 'audit_log', 'requests', 'dispatch', 'pending_dispatch', 'diff_report']);
export function proseOf(v, out = []) {
  if (Array.isArray(v)) v.forEach((i) => proseOf(i, out));
  else if (v && typeof v === 'object') {
    for (const [k, c] of Object.entries(v)) {
      if (DATA.has(k)) continue;
      if (PROSE.has(k) && typeof c === 'string') out.push(c);
      else if (PROSE.has(k) && Array.isArray(c) && c.every((s) => typeof s === 'string')) out.push(...c);
      else proseOf(c, out);
    }
  }
  return out;
}
