// Compiled by `tsc --strict` in make test: the declarations type a real program, and each
// expected-error directive at the end proves they reject a mistake (tsc fails if it does not).

import {
  Pilot,
  PilotError,
  memoryStorage,
  templates,
  createFromTemplate,
  run,
  report,
  approve,
  rollbackPreview,
  type Checkpoint,
  type PilotErrorCode,
  type PilotTransition,
  type Transition,
  type WorkflowRecord,
  type WorkflowStep,
  type ReportedOutcome,
} from 'vmware-pilot';

const pilot = new Pilot(memoryStorage(), { caller: 'agent', mode: 'host', approveMode: 'others' });
const wf: WorkflowRecord = pilot.createFromTemplate('rolling_restart', { vm_names: ['a', 'b'] });
const first: WorkflowStep | undefined = wf.steps[0];
const tool: string | undefined = first?.tool;

function perform(req: { tool: string; params: Record<string, unknown> }): ReportedOutcome {
  return req.tool === 'power_off_vm' ? { raised: 'host in maintenance' } : { returned: { ok: true } };
}

let t: PilotTransition = pilot.run(wf.id, { force: true });
while (t.checkpoint.kind === 'dispatch') {
  for (const r of t.checkpoint.requests) t = pilot.report(wf.id, r.index, perform(r));
}
function describe(c: Checkpoint): string {
  switch (c.kind) {
    case 'dispatch':
      return c.requests.map((r) => `${r.skill}.${r.tool}${r.undo ? ' (undo)' : ''}`).join(', ');
    case 'waiting':
      return `waiting for ${c.waiting_for.join(', ')}`;
    case 'awaiting_approval':
      return `gate ${c.gate}`;
    case 'failed':
      return c.error ?? 'failed';
    case 'rolled_back':
      return c.incomplete ? 'incomplete' : 'rolled back';
    case 'approved':
    case 'completed':
    case 'cancelled':
    case 'dispatch_required':
      return c.kind;
  }
}
describe(t.checkpoint);

try {
  pilot.approve(wf.id, 'agent', { hold: true });
} catch (e) {
  if (e instanceof PilotError) {
    const c: PilotErrorCode = e.code;
    const details = e.details;
    if (c === 'approval_refused' && details !== null) console.log(details['error']);
  }
}

const out = pilot.rollback(wf.id);
if ('preview' in out) {
  const n: number = out.preview.blast_radius.unknown_effects_count;
  console.log(n, out.preview.blast_radius.blockers.join('; '));
}
const confirmed: PilotTransition = pilot.rollback(wf.id, { confirm: true });
console.log(confirmed.outcome, confirmed.blast_radius?.blockers.length);

for (const tpl of templates()) {
  const required: string[] = tpl.schema.required ?? [];
  console.log(tpl.name, tpl.signature, required);
}

// the pure functions
const rec = createFromTemplate('compliance_scan', {}, { env: { caller: 'x', nowMicros: 1, entropy: 2 } });
const step1: Transition = run(rec, { mode: 'host', preflight: (steps) => void steps.length });
const step2 = report(step1.record, 0, { toolResult: { isError: false, content: [{ type: 'text', text: 'ok' }] } });
approve(step2.record, 'ana', { approveMode: 'others', acknowledgeNotExecuted: false });
console.log(rollbackPreview(rec).blast_radius.state_after, tool);

// ── mistakes the declarations must reject ──
// @ts-expect-error: not a checkpoint kind
const bad1: Checkpoint = { kind: 'paused' };
// @ts-expect-error: not an error code
const bad2: PilotErrorCode = 'oops';
// @ts-expect-error: mode is agent, host or hostParallel
new Pilot(null, { mode: 'parallel' });
// @ts-expect-error: an outcome is returned, raised, unknown or toolResult
pilot.report(wf.id, 0, { result: 1 });
// @ts-expect-error: records are typed, not any
const bad3: number = wf.state;
// @ts-expect-error: steps is an array of typed steps
wf.steps[0]?.status.toFixed();
console.log(bad1, bad2, bad3);
