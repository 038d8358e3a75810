// Types of the vmware-pilot npm package. Records, responses and previews keep vmware-pilot
// 2.4.0's field names (snake_case) so that they are the same objects the Python package and
// the MCP tools produce; options of this JS API are camelCase.

// ── JSON ───────────────────────────────────────────────────────────────────────────────────
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ── records ────────────────────────────────────────────────────────────────────────────────
export type WorkflowState =
  | 'draft'
  | 'pending'
  | 'running'
  | 'awaiting_approval'
  | 'rolling_back'
  | 'completed'
  | 'failed'
  | 'cancelled';

/** The statuses vmware-pilot writes. A stored record may hold another string (or null) from a
 * hand-edited row; rollback and cancel then refuse to act until it is settled. */
export type KnownStepStatus =
  | 'pending'
  | 'running'
  | 'success'
  | 'failed'
  | 'skipped'
  | 'rolled_back'
  | 'partially_rolled_back'
  | 'not_executed'
  | 'reported_done'
  | 'interrupted';
export type StepStatus = KnownStepStatus | (string & {}) | null;

export interface WorkflowStep {
  index: number;
  /** `require_approval` marks an approval gate. */
  action: string;
  skill: string;
  tool: string;
  params: JsonObject;
  status: StepStatus;
  result: JsonValue;
  started_at: string;
  completed_at: string;
  rollback_tool: string;
  rollback_params: JsonObject;
  /** Non-empty: a member of a parallel group. */
  group_id: string;
}

export interface AuditEntry {
  ts: string;
  action: string;
  detail: string;
}

export interface RollbackResult {
  step: number;
  tool: string;
  status: 'success' | 'partial' | 'failed' | 'unknown' | 'not_reversible' | (string & {});
  result?: JsonValue;
  error?: string;
  reason?: string;
  [key: string]: JsonValue | undefined;
}

/** A workflow record: the row vmware-pilot 2.4.0 stores in `workflows.db` (`data` column). */
export interface WorkflowRecord {
  id: string;
  workflow_type: string;
  state: WorkflowState;
  steps: WorkflowStep[];
  params: JsonObject;
  created_at: string;
  updated_at: string;
  approved_by: string;
  diff_report: JsonObject;
  audit_log: AuditEntry[];
  blocked_reason: string;
  rollback_results: RollbackResult[];
  created_by: string;
  authors: string[];
}

/** A step as create_workflow and update_draft take it (missing fields get defaults). */
export interface StepSpec {
  action?: string;
  skill?: string;
  tool?: string;
  params?: JsonObject;
  rollback_tool?: string;
  rollback_params?: JsonObject;
  group_id?: string;
}

// ── transitions ────────────────────────────────────────────────────────────────────────────
/** A call the host must make (host mode). The step is already stored `running`. */
export interface DispatchRequest {
  index: number;
  skill: string;
  tool: string;
  params: JsonObject;
  group_id: string;
  /** true: this is the step's rollback tool, during a rollback. */
  undo: boolean;
}

/** Where a transition stopped. */
export type Checkpoint =
  | { kind: 'dispatch'; requests: DispatchRequest[] }
  | { kind: 'waiting'; waiting_for: number[] }
  | { kind: 'awaiting_approval'; gate: number }
  | { kind: 'dispatch_required' }
  | { kind: 'completed' }
  | { kind: 'failed'; error: string | null }
  | { kind: 'cancelled' }
  /** approve with `hold`: the gate is approved, the workflow is pending for the next run. */
  | { kind: 'approved' }
  | { kind: 'rolled_back'; incomplete: boolean; error: string | null };

export type Outcome =
  | 'dispatch'
  | 'waiting'
  | 'awaiting_approval'
  | 'dispatch_required'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'approved';

export interface HandedOutStep {
  index: number;
  skill: string;
  tool: string;
  params: JsonObject;
}

/** vmware-pilot's answer for a transition: the record plus what happened. */
export interface TransitionResponse extends WorkflowRecord {
  /** Absent after a clean rollback. */
  outcome?: Outcome;
  dispatch?: DispatchRequest[];
  waiting_for?: number[];
  pending_dispatch?: HandedOutStep[];
  message?: string;
  error?: string;
}

/** What a Pilot transition returns: where the workflow stopped, and what vmware-pilot's
 * answer adds to the record. The record itself stays in the storage — `pilot.get(id)` — so
 * that a step costs the same however long the workflow is. */
export interface PilotTransition {
  id: string;
  state: WorkflowState;
  checkpoint: Checkpoint;
  /** Absent after a clean rollback. */
  outcome?: Outcome;
  /** Agent mode: the steps handed out, to perform outside Pilot. */
  pending_dispatch?: HandedOutStep[];
  message?: string;
  error?: string;
  /** Confirmed rollback, cancel and reject: what was measured before acting. */
  blast_radius?: BlastRadius;
  /** Confirmed rollback and cancel: `rolled_back`, `rollback_incomplete` or `cancelled`. */
  action?: string;
}

/** The result of every pure transition: the new record (save it before acting on the
 * checkpoint), where it stopped, and upstream's answer (the record plus what happened). */
export interface Transition {
  record: WorkflowRecord;
  checkpoint: Checkpoint;
  response: TransitionResponse;
}

/** The outcome of a dispatched call, reported back: what it returned, the message of the
 * exception it raised, that its effect is unknown (a timeout, a lost connection), or an MCP
 * tool result as the client received it. */
export type ReportedOutcome =
  | { returned: JsonValue }
  | { raised: string }
  | { unknown: string; payload?: JsonValue }
  | {
      /** An MCP tool result exactly as `@modelcontextprotocol/sdk`'s `client.callTool()`
       * returns it (its content blocks, `structuredContent`, `isError`, `_meta`...). */
      toolResult: {
        isError?: boolean | undefined;
        content?: readonly object[] | undefined;
        structuredContent?: unknown;
        stored?: unknown;
        [key: string]: unknown;
      };
    };

// ── safety ─────────────────────────────────────────────────────────────────────────────────
export interface StepRef {
  index: number;
  skill: string;
  tool: string;
  [key: string]: JsonValue;
}

/** What a rollback or cancel would do, measured before it acts. */
export interface BlastRadius {
  workflow: { id: string; type: string; state: WorkflowState };
  state_after: WorkflowState;
  unknown_effects_count: number;
  unknown_effects: StepRef[];
  unknown_effects_acknowledged: boolean;
  /** Reasons the action is refused as it stands. */
  blockers: string[];
  /** Effects nobody can measure; acknowledge them once checked by hand. */
  unmeasured: string[];
  /** Rollback: undone last first, with the rollback tool. */
  would_roll_back?: StepRef[];
  would_roll_back_count?: number;
  /** Changes that stay applied (no rollback tool, or a cancel). */
  left_in_place?: StepRef[];
  left_in_place_count?: number;
  left_in_place_note?: string;
  /** Rollback: handed out earlier and performed by the caller; Pilot will not undo them. */
  not_reversed_by_pilot?: StepRef[];
  not_reversed_by_pilot_count?: number;
  not_reversible_outside_pilot?: StepRef[];
  not_reversible_outside_pilot_count?: number;
  not_reversible_outside_pilot_note?: string;
  left_behind_by_earlier_rollback?: StepRef[];
  left_behind_by_earlier_rollback_count?: number;
  /** Cancel: performed outside Pilot and acknowledged at a gate. */
  performed_outside_pilot?: StepRef[];
  performed_outside_pilot_count?: number;
  /** Cancel: pending steps that will never run. */
  would_skip?: StepRef[];
  would_skip_count?: number;
  handed_out_to_caller?: StepRef[];
  handed_out_to_caller_count?: number;
  handed_out_to_caller_note?: string;
  [key: string]: JsonValue | undefined;
}

export interface Preview {
  action: 'preview';
  workflow_id: string;
  blast_radius: BlastRadius;
  hint: string;
}

export interface Finding {
  severity: 'high' | 'medium' | 'low' | 'info';
  kind: string;
  step_index: number;
  message: string;
}

export interface ReviewReport {
  workflow_id: string;
  verdict: 'approved' | 'needs_revision';
  findings: Finding[];
  summary: {
    total_steps: number;
    destructive_steps: number;
    write_steps: number;
    read_only_steps: number;
    classified_steps: number;
    unclassified_steps: number;
    approval_gates: number;
    parallel_groups: number;
    est_duration_min: number;
  };
}

export interface GateViolation {
  step_index: number;
  skill: string;
  tool: string;
  kind: string;
  reason: string;
}

// ── templates and catalog ──────────────────────────────────────────────────────────────────
/** A JSON Schema (draft 2020-12 subset) of a template's parameters. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: { [name: string]: JsonSchema };
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  default?: JsonValue;
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: JsonValue | JsonSchema | JsonSchema[] | { [name: string]: JsonSchema } | undefined;
}

export interface TemplateInfo {
  name: string;
  description: string;
  /** true: a host's YAML template, not one of the 15 built-ins. */
  custom: boolean;
  /** The Python signature vmware-pilot shows, e.g. `(vm_names: 'list[str]', target: 'str' = '') -> 'Workflow'`. */
  signature: string;
  schema: JsonSchema;
}

/** A host's YAML template (vmware-pilot's `~/.vmware/workflows/*.yaml` format). */
export interface CustomTemplate {
  /** YAML text, or the parsed document. */
  document: string | JsonObject;
  fileName: string;
}

export interface SkillCatalog {
  [skill: string]: {
    description: string;
    tools: { [tool: string]: { risk: 'low' | 'medium' | 'high' | (string & {}); desc: string } };
  };
}

// ── errors ─────────────────────────────────────────────────────────────────────────────────
/** The stable codes of PilotError. */
export type PilotErrorCode =
  | 'not_found'
  | 'conflict'
  | 'already_exists'
  | 'invalid_record'
  | 'storage'
  | 'record_damaged'
  | 'record_unreadable'
  | 'run_cancelled'
  | 'run_bad_state'
  | 'gate_missing'
  | 'review_blocked'
  | 'handed_out'
  | 'preflight_refused'
  | 'not_awaiting_approval'
  | 'approver_required'
  | 'approver_not_caller'
  | 'approval_refused'
  | 'unrun_before_gate'
  | 'rollback_bad_state'
  | 'cancel_terminal'
  | 'radius_refused'
  | 'report_not_running'
  | 'report_unknown_step'
  | 'not_a_draft'
  | 'draft_has_no_steps'
  | 'approval_gate'
  | 'ref_malformed'
  | 'ref_not_integer'
  | 'ref_out_of_range'
  | 'ref_forward'
  | 'ref_outside_pilot'
  | 'ref_not_success'
  | 'ref_missing_key'
  | 'ref_not_a_dict'
  | 'redacted_secret'
  | 'forged_approval'
  | 'inconsistent_record'
  | 'stale_record'
  | 'invalid_argument'
  | 'unknown_template'
  | 'template_bind'
  | 'template_argument'
  | 'template_definition'
  | 'not_ready'
  | 'internal';

/** Every refusal and failure of vmware-pilot. Branch on `code`, never on the message. The
 * message (and the prose in `details`) names the JavaScript call that fixes it, e.g.
 * `pilot.rollback(id, {confirm: true, acknowledgeUnknownEffects: true})`. */
export class PilotError extends Error {
  constructor(code: PilotErrorCode, message: string, details?: JsonObject | null);
  readonly name: 'PilotError';
  readonly code: PilotErrorCode;
  /** vmware-pilot's answer for the refusal (`error`, and for some codes `blast_radius`,
   * `approval_gate_violations`, `fix`, `handed_out`...), or null. */
  readonly details: JsonObject | null;
}

// ── storage ────────────────────────────────────────────────────────────────────────────────
export interface StoredEntry {
  record: WorkflowRecord;
  revision: number;
}

/** A host's synchronous storage. Revisions are whole numbers the store assigns. */
export interface PilotStorage {
  load(id: string): StoredEntry | null;
  /** Stores `record` if the stored revision is `expectedRevision` (null: the id must be new)
   * and returns the new revision; otherwise throws an Error whose `code` is `"conflict"`
   * (or `"already_exists"`). Records given here are already redacted. */
  save(record: WorkflowRecord, expectedRevision: number | null): number;
  list(): WorkflowRecord[];
  delete(id: string): boolean;
  /** Optional fast path (used when both are present): the record as vmware-pilot 2.4.0
   * stores it — the `data` column of `workflows.db`, byte for byte — instead of an object. */
  loadText?(id: string): { text: string; revision: number } | null;
  saveText?(id: string, text: string, expectedRevision: number | null): number;
  /** Optional: the stored revision of `id` (or null) without the record. A Pilot asks before
   * every read and transition, so that what another Pilot saved is never missed; without it
   * the record is loaded to learn its revision. */
  revision?(id: string): number | null;
}

/** A key-value backend of JSON texts, for keyValueStorage(). */
export interface TextBackend {
  read(id: string): string | null;
  write(id: string, text: string): void;
  remove(id: string): void;
  ids(): string[];
}

/** Storage in a Map (given, or a new one) of id → `{revision, text}` (`text`: the record as
 * vmware-pilot 2.4.0 stores it). */
export function memoryStorage(map?: Map<string, { revision: number; text: string }>): PilotStorage;
/** Storage in a Web Storage object (e.g. `window.localStorage`), one key per workflow. */
export function webStorage(storage: Storage, prefix?: string): PilotStorage;
/** The storage contract (revision checks) over any text backend. */
export function keyValueStorage(backend: TextBackend): PilotStorage;
/** Node only: one JSON file per workflow in `dir` (atomic writes, a lock per save; safe for
 * several processes). Not available in the browser build. */
export function fileStorage(dir: string): PilotStorage;

// ── the managed API ────────────────────────────────────────────────────────────────────────
/** agent: steps are handed out in `pending_dispatch` (the default); host: the host performs
 * each step from a `dispatch` checkpoint and reports it; hostParallel: a parallel group's
 * members are dispatched together. */
export type Mode = 'agent' | 'host' | 'hostParallel';

/** Who may approve: others (the default) refuses whoever created or edited the workflow. */
export type ApproveMode = 'others' | 'any' | 'none';

/** `status()`: the record, plus `pending_gate` (the index of the gate waiting for a decision,
 * or null), `shown_gate` (that gate, else the last one decided) and `steps_done`. */
export interface WorkflowStatus extends WorkflowRecord {
  pending_gate: number | null;
  shown_gate: number | null;
  steps_done: number;
}

export interface PilotOptions {
  /** The identity recorded as the creator and in the audit log. */
  caller?: string;
  mode?: Mode;
  /** Separation of duties at approval; default 'others'. */
  approveMode?: ApproveMode;
  /** Called with the steps about to be dispatched; throw to refuse the run (nothing runs). */
  preflight?: (steps: WorkflowStep[]) => void;
  /** This process starts over after a crash: a step found `running` was handed out by a
   * process that is gone, and a run marks it `interrupted`. Without it (a live host) a
   * repeated run returns the outstanding dispatch requests unchanged. */
  recovering?: boolean;
}

export interface RollbackOptions {
  /** Without it, only the preview is returned and nothing changes. */
  confirm?: boolean;
  acknowledgeUnknownEffects?: boolean;
}

export interface CancelOptions extends RollbackOptions {
  reason?: string;
}

export interface WorkflowSummary {
  id: string;
  type: string;
  state: WorkflowState;
  created_at: string;
  updated_at: string;
}

/** Workflows kept in a storage, every transition saved (with the revision it replaces)
 * before its checkpoint is returned. Two Pilots over one store never lose an update: the
 * second save of a stale copy throws PilotError `conflict` and nothing is dispatched. */
export class Pilot {
  /** `storage`: the callbacks object, or null for the core's in-memory store. */
  constructor(storage: PilotStorage | null, options?: PilotOptions);
  /** A Pilot over the core's in-memory store (fastest; `exportRecords()` gives the records). */
  static inMemory(options?: PilotOptions): Pilot;
  createFromTemplate(
    name: string,
    args?: { [param: string]: JsonValue },
    options?: { customTemplates?: CustomTemplate[] },
  ): WorkflowRecord;
  /** Refused (code `approval_gate`) when a step could change the estate with no gate before it. */
  createWorkflow(name: string, description: string, steps: StepSpec[]): WorkflowRecord;
  designDraft(goal: string, constraints?: string): WorkflowRecord;
  updateDraft(id: string, changes: { name?: string; description?: string; steps?: StepSpec[] }): WorkflowRecord;
  confirmDraft(id: string): WorkflowRecord;
  /** Stores a record from elsewhere (an export, another store), validated first — refused
   * with `forged_approval`, `inconsistent_record` or `stale_record` when its history does not
   * support it — replacing the stored one with its id. Writing to the storage directly instead leaves this Pilot's
   * working copy stale (its next save gets `conflict`): call `forget(id)` after such writes. */
  importRecord(record: WorkflowRecord | JsonObject): WorkflowRecord;
  get(id: string): WorkflowRecord;
  /** The record with the core's reading of it: which gate is pending, which to show, how
   * many steps are done (a page never works that out itself). */
  status(id: string): WorkflowStatus;
  review(id: string): ReviewReport;
  /** Runs to the next checkpoint after run_workflow's checks: refused with `gate_missing`
   * (a custom workflow's step needs a gate) or `review_blocked` (a built-in template's
   * review found blocking findings; `force` overrides that one only), `run_cancelled`,
   * `run_bad_state` or `record_damaged`. */
  run(id: string, options?: { force?: boolean }): PilotTransition;
  report(id: string, index: number, outcome: ReportedOutcome): PilotTransition;
  /** Approves the gate as `approver` and runs on; with `hold`, records the approval and stops
   * (the workflow is pending again, for the process that performs the steps to run). */
  approve(id: string, approver: string, options?: { acknowledgeNotExecuted?: boolean; hold?: boolean }): PilotTransition;
  /** Rejects the pending gate: the workflow is cancelled; nothing past the gate runs. */
  reject(id: string, rejecter: string, reason?: string): PilotTransition;
  rollback(id: string, options: RollbackOptions & { confirm: true }): PilotTransition;
  rollback(id: string, options?: RollbackOptions): { preview: Preview } | PilotTransition;
  cancel(id: string, options: CancelOptions & { confirm: true }): PilotTransition;
  cancel(id: string, options?: CancelOptions): { preview: Preview } | PilotTransition;
  /** Newest first; `active` leaves out completed, failed and cancelled workflows. */
  list(options?: { active?: boolean }): WorkflowSummary[];
  delete(id: string): boolean;
  /** Drops this Pilot's working copy: the next call reads the storage again (every call
   * already checks the stored revision first). */
  forget(id: string): void;
  /** After a crash: the steps handed out and never reported are marked `interrupted` and the
   * workflow fails; `checkpoint` is null when nothing was in flight. */
  recover(id: string): PilotTransition | { id: string; state: WorkflowState; checkpoint: null };
  exportRecords(): WorkflowRecord[];
  free(): void;
}

// ── the pure functions: record in, record out (for asynchronous stores) ───────────────────
/** The environment of one call; what is missing comes from the runtime's clock and
 * `Math.random`. */
export interface HostEnv {
  caller?: string;
  nowMicros?: number;
  utcOffsetSeconds?: number;
  /** Seeds the six hex digits of a new workflow id. */
  entropy?: number;
}

export interface CallOptions {
  env?: HostEnv;
}

export interface TransitionOptions extends CallOptions {
  mode?: Mode;
  preflight?: (steps: WorkflowStep[]) => void;
  /** This process starts over after a crash: a step found `running` was handed out by a
   * process that is gone, and a run marks it `interrupted`. Without it (a live host) a
   * repeated run returns the outstanding dispatch requests unchanged. */
  recovering?: boolean;
}

export function ready(wasm?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;
export function version(): string;
export function skillCatalog(): SkillCatalog;
export function templates(options?: { customTemplates?: CustomTemplate[] }): TemplateInfo[];
export function parseYaml(text: string): JsonValue;

export function createFromTemplate(
  name: string,
  args?: { [param: string]: JsonValue },
  options?: CallOptions & { customTemplates?: CustomTemplate[] },
): WorkflowRecord;
export function createWorkflow(
  name: string,
  description: string,
  steps: StepSpec[],
  options?: CallOptions,
): WorkflowRecord;
export function designDraft(goal: string, constraints?: string, options?: CallOptions): WorkflowRecord;
export function updateDraft(
  record: WorkflowRecord,
  changes: { name?: string; description?: string; steps?: StepSpec[] },
  options?: CallOptions,
): WorkflowRecord;
export function confirmDraft(record: WorkflowRecord, options?: CallOptions): WorkflowRecord;

/** run_workflow's checks: `refusal` (and its `code`) are null when the run may go ahead; a
 * forced run is recorded in the returned record's audit log. */
export function runCheck(
  record: WorkflowRecord,
  options?: CallOptions & { force?: boolean },
): { record: WorkflowRecord; refusal: JsonObject | null; code: PilotErrorCode | null };
export function run(record: WorkflowRecord, options?: TransitionOptions): Transition;
export function report(
  record: WorkflowRecord,
  index: number,
  outcome: ReportedOutcome,
  options?: TransitionOptions,
): Transition;
export function approve(
  record: WorkflowRecord,
  approver: string,
  options?: TransitionOptions & { acknowledgeNotExecuted?: boolean; approveMode?: ApproveMode; hold?: boolean },
): Transition;
export function rollback(record: WorkflowRecord, options?: TransitionOptions): Transition;
export function cancel(record: WorkflowRecord, reason?: string, options?: CallOptions): Transition;
export function rollbackPreview(record: WorkflowRecord, options?: { acknowledgeUnknownEffects?: boolean }): Preview;
export function cancelPreview(record: WorkflowRecord, options?: { acknowledgeUnknownEffects?: boolean }): Preview;
/** The refusal for acting on a preview, or null when the action may go ahead. */
export function radiusRefusal(
  verb: 'roll back' | 'cancel',
  record: WorkflowRecord,
  radius: BlastRadius,
): JsonObject | null;
export function review(record: WorkflowRecord): ReviewReport;
export function gateViolations(record: WorkflowRecord): GateViolation[];
export function status(record: WorkflowRecord): WorkflowStatus;
/** Validates a record (older rows upgraded, pre-2.0 tool names translated). */
export function loadRecord(record: JsonObject | WorkflowRecord): WorkflowRecord;
/** The exact text vmware-pilot 2.4.0 stores for this record (`workflows.db`, `data`). */
export function storedText(record: WorkflowRecord): string;
export function fromStoredText(text: string): WorkflowRecord;
/** The record with every secret masked. */
export function redacted(record: WorkflowRecord): WorkflowRecord;
