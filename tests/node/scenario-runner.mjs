// Replays the scenario files of tests/scenarios (format: tests/README.md) through the npm
// package's pure functions, the way core/tests/scenarios.rs replays them through the Rust
// core: same clock, same ids, same expectations.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const scenarioDir = new URL('../scenarios/', import.meta.url).pathname;

/** The corpus for the core's runners: `"api": "executor"` scenarios are upstream's executor
 * path only (the record API refuses the record they start from). */
export function scenarioFiles() {
  return readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.json'))
    .filter((f) => JSON.parse(readFileSync(join(scenarioDir, f), 'utf8')).api !== 'executor')
    .sort();
}

/** The Rust runner's clock: 2026-11-21T00:00:00Z plus one second per call, entropy 1, 2, ... */
class Clock {
  constructor() {
    this.micros = 1_795_305_600_000_000;
    this.entropy = 0;
  }
  env(caller) {
    this.micros += 1_000_000;
    this.entropy += 1;
    return { nowMicros: this.micros, utcOffsetSeconds: 0, entropy: this.entropy, caller };
  }
}

const STORED_STEP_FIELDS = ['status', 'result', 'group_id', 'started_at', 'completed_at'];
const RECORD_OVERRIDES = ['state', 'params', 'created_by', 'authors', 'approved_by', 'audit_log'];

/** The start record: a template, or steps as step specs plus stored fields. */
function build(pilot, spec, clock) {
  const env = clock.env('tester');
  if (spec.template) {
    return pilot.createFromTemplate(spec.template.name, spec.template.args ?? {}, { env });
  }
  const specs = spec.steps ?? [];
  const record = pilot.createWorkflow(spec.type ?? 'custom', 'scenario', [], { env });
  // the steps as the core builds them from specs (no gate check: a scenario may start from
  // any record), taken from a draft edit
  const draft = pilot.updateDraft(pilot.designDraft('scenario', '', { env }), { steps: specs }, { env });
  record.steps = draft.steps;
  specs.forEach((s, i) => {
    for (const key of STORED_STEP_FIELDS) if (key in s) record.steps[i][key] = s[key];
  });
  for (const key of RECORD_OVERRIDES) if (key in spec) record[key] = spec[key];
  return pilot.loadRecord(record);
}

function outcomeOf(event) {
  if ('returned' in event) return { returned: event.returned };
  if ('raised' in event) return { raised: event.raised };
  if ('unknown' in event) return { unknown: event.unknown, payload: event.payload ?? null };
  if ('tool_result' in event) return { toolResult: event.tool_result };
  throw new Error(`report event needs returned, raised, unknown or tool_result: ${JSON.stringify(event)}`);
}

const MODES = { agent: 'agent', host: 'host', host_parallel: 'hostParallel' };

/** One event: `{record, response, code}` (the refusal's code and answer when refused). */
function apply(pilot, record, event, env, mode, recovering) {
  const options = { env, mode, recovering };
  if ('preflight_refuses' in event) {
    options.preflight = () => {
      throw new Error(event.preflight_refuses);
    };
  }
  const refused = (e) => {
    if (!(e instanceof pilot.PilotError)) throw e;
    return { record, response: e.details, code: e.code };
  };
  try {
    switch (event.do) {
      case 'run':
        return step(pilot.run(record, options));
      case 'report':
        return step(pilot.report(record, event.step, outcomeOf(event), options));
      case 'approve':
        return step(
          pilot.approve(record, event.approver ?? '', {
            ...options,
            acknowledgeNotExecuted: Boolean(event.acknowledge_not_executed),
            hold: event.hold === true,
          }),
        );
      case 'rollback':
        return step(pilot.rollback(record, options));
      case 'cancel':
        return step(pilot.cancel(record, event.reason ?? '', options));
      case 'update_draft': {
        const changes = { name: event.name ?? '', description: event.description ?? '' };
        if (Array.isArray(event.steps)) changes.steps = event.steps;
        const next = pilot.updateDraft(record, changes, options);
        return { record: next, response: next, code: null };
      }
      case 'confirm_draft': {
        const next = pilot.confirmDraft(record, options);
        return { record: next, response: next, code: null };
      }
      case 'restart': {
        // a new process: only what storage holds survives
        const next = pilot.fromStoredText(pilot.storedText(record));
        return { record: next, response: next, code: null };
      }
      default:
        throw new Error(`unknown event ${event.do}`);
    }
  } catch (e) {
    return refused(e);
  }
}

function step(t) {
  return { record: t.record, response: t.response, code: null };
}

/** Partial match: objects by the keys `want` names, lists and scalars exactly;
 * `{$contains}` (or its `$js` wording) / `{$lacks}` on strings. */
export function matches(want, got) {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    // `$js`: the same phrase as the npm package words it (its prose speaks JavaScript)
    if ('$contains' in want) return typeof got === 'string' && got.includes(want.$js ?? want.$contains);
    if ('$lacks' in want) return typeof got === 'string' && !got.includes(want.$lacks);
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return false;
    return Object.entries(want).every(([k, v]) =>
      v === null ? got[k] === undefined || got[k] === null : k in got && matches(v, got[k]),
    );
  }
  if (Array.isArray(want)) {
    return Array.isArray(got) && got.length === want.length && want.every((w, i) => matches(w, got[i]));
  }
  return want === got;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function failures(expect, { response, code, record }, before, auditBefore) {
  const resp = response ?? {};
  const checks = {
    outcome: (w) => matches(w, resp.outcome ?? null),
    error_code: (w) => w === code,
    error: (w) => matches(w, resp.error ?? null),
    state: (w) => record.state === w,
    statuses: (w) => same(record.steps.map((s) => s.status), w),
    dispatch: (w) => matches(w, resp.dispatch ?? []),
    waiting_for: (w) => same(resp.waiting_for, w),
    pending_dispatch: (w) => same((resp.pending_dispatch ?? []).map((p) => p.index), w),
    rollback_results: (w) => matches(w, record.rollback_results),
    results: (w) => Object.entries(w).every(([i, r]) => matches(r, record.steps[Number(i)].result)),
    audit: (w) => same(record.audit_log.slice(auditBefore).map((a) => a.action), w),
    audit_details: (w) => matches(w, record.audit_log.slice(auditBefore).map((a) => a.detail)),
    unchanged: (w) => same(record, before) === (w !== false),
    response: (w) => matches(w, resp),
    record: (w) => matches(w, record),
  };
  return Object.entries(expect)
    .filter(([key, want]) => {
      if (!(key in checks)) throw new Error(`unknown expectation ${key}`);
      return !checks[key](want);
    })
    .map(([key, want]) => `expectation ${key} = ${JSON.stringify(want)} failed`);
}

/** Replays one scenario file; returns `{transcript, problems}` where the transcript has the
 * same shape as the Rust runner's (target/scenario-transcript.json). */
export function replay(pilot, file) {
  const sc = JSON.parse(readFileSync(join(scenarioDir, file), 'utf8'));
  const clock = new Clock();
  let record = build(pilot, sc.workflow, clock);
  const transcript = [{ start: record }];
  const problems = [];
  // the host that dispatched is live until a restart, after which the new process is
  // recovering; a scenario that starts from a record with a step running starts there
  let recovering = record.steps.some((s) => s.status === 'running');
  sc.events.forEach((event, i) => {
    const mode = MODES[event.mode ?? sc.mode ?? 'agent'];
    const before = record;
    const auditBefore = record.audit_log.length;
    const env = clock.env(event.caller ?? 'tester');
    const out = apply(pilot, record, event, env, mode, recovering);
    recovering ||= event.do === 'restart';
    if (event.expect) {
      for (const p of failures(event.expect, out, before, auditBefore)) {
        problems.push(`${file} event ${i}: ${p}\n  response: ${JSON.stringify(out.response)}\n  code: ${out.code}`);
      }
    }
    if (out.code !== null && !same(out.record, before)) {
      problems.push(`${file} event ${i}: a refusal changed the record`);
    }
    transcript.push({ response: out.response, code: out.code, record: out.record });
    record = out.record;
  });
  return { transcript, problems };
}
