#!/usr/bin/env node
// A Node agent driving a vmware-pilot workflow in host mode: Pilot decides what runs next and
// stores every step before handing it over; this script performs each step with a simulated
// skill dispatcher, stops at the approval gate, and goes on once a person approves.
//
//   node examples/node-agent/agent.mjs                       # asks for the approver on stdin
//   node examples/node-agent/agent.mjs --approve lead-ana    # approves from the flag
//   node examples/node-agent/agent.mjs --resume <id>         # continue a workflow approved elsewhere
//
// Options: --vms web-01,web-02 (the VMs to restart), --store DIR (workflow files; default a
// fresh temporary folder), --fail TOOL (the simulated skill fails that tool, to see a rollback).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';

import { Pilot, PilotError, fileStorage } from 'vmware-pilot';

const { values: args } = parseArgs({
  options: {
    approve: { type: 'string' },
    resume: { type: 'string' },
    vms: { type: 'string', default: 'web-01,web-02' },
    store: { type: 'string' },
    fail: { type: 'string' },
  },
});

const say = (line) => console.log(line);
const store = args.store ?? mkdtempSync(join(tmpdir(), 'pilot-agent-'));
const pilot = new Pilot(fileStorage(store), { caller: 'node-agent', mode: 'host' });

/** The simulated skills: what a real agent would send to the skill's MCP server. */
function perform(request) {
  const call = `${request.skill}.${request.tool}`;
  if (request.tool === args.fail && !request.undo) return { raised: `${call} failed: the host is in maintenance mode` };
  if (request.tool === 'get_alarms') return { returned: { alarms: [], checked: request.params.target || 'default' } };
  if (request.tool.startsWith('power_')) {
    return { returned: { vm: request.params.vm_name, power: request.tool === 'power_on_vm' ? 'on' : 'off' } };
  }
  return { returned: { ok: true } };
}

/** Performs dispatch checkpoints until Pilot stops somewhere else. */
function driveToCheckpoint(id, transition) {
  let t = transition;
  while (t.checkpoint.kind === 'dispatch') {
    for (const request of t.checkpoint.requests) {
      const what = request.undo ? 'undo' : 'step';
      const outcome = perform(request);
      const verdict = 'raised' in outcome ? `FAILED: ${outcome.raised}` : 'ok';
      say(`  ${what} ${request.index}  ${request.skill}.${request.tool} ${JSON.stringify(request.params)} → ${verdict}`);
      t = pilot.report(id, request.index, outcome);
    }
  }
  return t;
}

function showGate(id, gate) {
  const record = pilot.get(id);
  const step = record.steps.find((s) => s.index === gate);
  const done = record.steps.filter((s) => s.status === 'success').length;
  say(`\n⏸  approval needed at step ${gate}: ${step.params.message ?? '(no message)'}`);
  say(`   ${done} step(s) done; to come after approval:`);
  for (const s of record.steps.filter((x) => x.index > gate)) say(`     ${s.index}  ${s.skill}.${s.tool}`);
  const { preview } = pilot.rollback(id);
  const undo = preview.blast_radius.would_roll_back ?? [];
  say(`   a rollback now would undo ${undo.length} step(s)${undo.length ? `: ${undo.map((u) => u.index).join(', ')}` : ''}`);
}

let stdinLines = null;
async function askApprover() {
  if (args.approve !== undefined) return args.approve;
  stdinLines ??= createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write('   approver name (empty to reject): ');
  const { value, done } = await stdinLines.next();
  if (done) say('(end of input)');
  return done ? '' : value.trim();
}

async function main() {
  let id = args.resume;
  let t;
  if (id) {
    say(`resuming ${id} from ${store}`);
    t = pilot.run(id);
  } else {
    const vms = args.vms.split(',').filter(Boolean);
    const record = pilot.createFromTemplate('rolling_restart', { vm_names: vms });
    id = record.id;
    say(`created ${id} (${record.workflow_type}, ${record.steps.length} steps) in ${store}`);
    const review = pilot.review(id);
    say(`review: ${review.verdict}, ${review.summary.destructive_steps} destructive step(s), ${review.summary.approval_gates} gate(s)`);
    for (const f of review.findings) say(`  ${f.severity} ${f.kind} at step ${f.step_index}: ${f.message}`);
    // The review flags each power-off followed by a power-on of the same VM (as vmware-pilot
    // 2.4.0 does); for a restart that is the point, so run with force — it is audited.
    t = pilot.run(id, { force: true });
  }
  for (;;) {
    t = driveToCheckpoint(id, t);
    if (t.checkpoint.kind !== 'awaiting_approval') break;
    showGate(id, t.checkpoint.gate);
    const approver = await askApprover();
    if (!approver) {
      t = pilot.reject(id, 'operator', 'rejected at the prompt');
      say('✗  rejected: nothing after the gate will run');
      break;
    }
    try {
      t = pilot.approve(id, approver);
      say(`✓  approved by ${approver}`);
    } catch (e) {
      if (!(e instanceof PilotError)) throw e;
      say(`✗  ${e.code}: ${e.message}`);
      if (args.approve !== undefined) process.exit(2);
      t = { checkpoint: { kind: 'awaiting_approval', gate: t.checkpoint.gate } };
    }
  }
  if (t.checkpoint.kind === 'failed') {
    const failed = pilot.get(id).steps.find((s) => s.status === 'failed');
    say(`\nthe workflow failed: ${t.error ?? `step ${failed.index}: ${JSON.stringify(failed.result)}`}`);
    const { preview } = pilot.rollback(id);
    say(`rolling back ${(preview.blast_radius.would_roll_back ?? []).length} step(s)`);
    t = driveToCheckpoint(id, pilot.rollback(id, { confirm: true }));
  }
  const final = pilot.get(id);
  say(`\nfinal state: ${final.state}`);
  say(`steps: ${final.steps.map((s) => `${s.index}:${s.status}`).join(' ')}`);
  say(`audit: ${final.audit_log.length} entries, last "${final.audit_log.at(-1).action}"`);
  await stdinLines?.return(); // let the process end when stdin is a terminal
}

main().catch((e) => {
  console.error(e instanceof PilotError ? `${e.code}: ${e.message}` : e);
  process.exit(1);
});
