// The approval desk: vmware-pilot's browser build over localStorage. The page only shows
// records and forwards decisions; every rule (which gate is pending, who may approve, what a
// rollback would touch) is decided by the engine.

import {
  ready,
  version,
  Pilot,
  PilotError,
  webStorage,
} from '/pkg/dist/web/index.mjs';

const PREFIX = 'vmware-pilot:';
const $ = (id) => document.getElementById(id);

// ── small DOM helpers (text only: imported records are never parsed as HTML) ─────────────

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const badge = (status) =>
  h('span', { class: `badge s-${String(status ?? 'none').replace(/[^a-z_]/gi, '')}` }, status ?? 'none');
const stepName = (step) => `${step.skill}.${step.tool}`;
const when = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+/, '').replace('+00:00', ' UTC') : '');

// ── engine and store ──────────────────────────────────────────────────────────────────────

let pilot;
let storage;
let selectedId = null;
let shownIds = []; // the ids of the last render, to forget them all when the store is cleared

try {
  await ready();
  storage = webStorage(window.localStorage, PREFIX);
  // `caller` only names this page in audit entries; the approver is the name typed in.
  pilot = new Pilot(storage, { caller: 'approval-ui' });
  $('engine').textContent = `vmware-pilot ${version()} · store: localStorage`;
} catch (e) {
  $('engine').textContent = 'engine unavailable';
  showError(e, 'The engine could not start');
  throw e;
}

/** The gate to show, as the core says (`status().shown_gate`): the pending one, else the
 * last one decided. The page only looks it up. */
const shownGate = (record) => record.steps.find((s) => s.index === record.shown_gate) ?? null;

/** Every stored workflow, newest first, with its record (or the error reading it). */
function readWorkflows() {
  return pilot.list().map((summary) => {
    try {
      return { summary, record: pilot.status(summary.id) };
    } catch (error) {
      return { summary, error };
    }
  });
}

// ── messages ──────────────────────────────────────────────────────────────────────────────

function clearMessages() {
  for (const id of ['status', 'error']) {
    $(id).hidden = true;
    $(id).replaceChildren();
  }
}

function showStatus(...parts) {
  $('status').replaceChildren(...parts.flat(Infinity).filter((p) => p !== null && p !== undefined));
  $('status').hidden = false;
}

function showError(e, title = 'Refused') {
  const box = $('error');
  if (e instanceof PilotError || (e && typeof e.code === 'string')) {
    box.replaceChildren(h('strong', {}, title), ' ', h('code', { class: 'code' }, e.code), ' ', e.message);
  } else {
    box.replaceChildren(h('strong', {}, title), ' ', String(e && e.message ? e.message : e));
  }
  box.hidden = false;
}

// ── rendering ─────────────────────────────────────────────────────────────────────────────

function render() {
  let rows;
  try {
    rows = readWorkflows();
  } catch (e) {
    showError(e, 'The store could not be read');
    rows = [];
  }
  shownIds = rows.map((r) => r.summary.id);
  renderAwaiting(rows);
  renderAll(rows);
  renderDetail();
}

function renderAwaiting(rows) {
  const waiting = rows.filter((r) => r.record && r.record.state === 'awaiting_approval');
  $('awaiting-count').textContent = String(waiting.length);
  $('awaiting-empty').hidden = waiting.length > 0;
  $('awaiting').replaceChildren(
    ...waiting.map(({ record }) => {
      const done = record.steps_done;
      return h(
        'li',
        { 'data-workflow-id': record.id, class: record.id === selectedId ? 'selected' : null },
        h(
          'button',
          { type: 'button', 'aria-current': record.id === selectedId ? 'true' : null, onclick: () => select(record.id) },
          h('span', { class: 'wf-type' }, record.workflow_type),
          h('code', { class: 'wf-id' }, record.id),
          h(
            'span',
            { class: 'wf-meta' },
            `by ${record.created_by || 'unknown'} · ${done} of ${record.steps.length} steps done`,
          ),
        ),
      );
    }),
  );
}

function renderAll(rows) {
  $('all-empty').hidden = rows.length > 0;
  $('all-workflows').replaceChildren(
    ...rows.map(({ summary, record, error }) =>
      h(
        'tr',
        {
          'data-workflow-id': summary.id,
          'data-state': record ? record.state : summary.state,
          class: summary.id === selectedId ? 'selected' : null,
          onclick: () => select(summary.id),
        },
        h('td', {}, h('code', {}, summary.id)),
        h('td', {}, summary.type),
        h('td', {}, badge(record ? record.state : summary.state)),
        h('td', {}, record ? record.created_by : h('span', { class: 'bad' }, error.code ?? 'unreadable')),
        h('td', {}, record ? record.approved_by : ''),
        h('td', { class: 'muted' }, when(summary.updated_at)),
      ),
    ),
  );
}

function stepTable(id, steps, emptyText) {
  if (steps.length === 0) return h('p', { id, class: 'empty' }, emptyText);
  return h(
    'table',
    { id, class: 'grid steps' },
    h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Step'), h('th', {}, 'Skill.tool'), h('th', {}, 'Status'))),
    h(
      'tbody',
      {},
      steps.map((s) =>
        h(
          'tr',
          { 'data-step': s.index, 'data-status': s.status },
          h('td', { class: 'num' }, s.index),
          h('td', {}, s.action),
          h('td', {}, h('code', {}, stepName(s)), s.rollback_tool ? h('span', { class: 'undo' }, `undo: ${s.rollback_tool}`) : null),
          h('td', {}, badge(s.status)),
        ),
      ),
    ),
  );
}

/** One list of the blast radius (steps referenced by index, skill and tool). */
function refList(title, refs, emptyText, note) {
  const items = refs ?? [];
  return h(
    'div',
    { class: 'radius-part' },
    h('h4', {}, title, ' ', h('span', { class: 'count' }, items.length)),
    items.length === 0
      ? h('p', { class: 'empty' }, emptyText)
      : h(
          'ul',
          {},
          items.map((r) =>
            h(
              'li',
              {},
              h('span', { class: 'num' }, `#${r.index}`),
              ' ',
              h('code', {}, `${r.skill}.${r.tool}`),
              r.rollback_tool ? ` — undone by ${r.rollback_tool}` : '',
            ),
          ),
        ),
    note ? h('p', { class: 'note' }, note) : null,
  );
}

function blastRadius(id) {
  let answer;
  try {
    // Without `confirm` this is only a preview: nothing changes and nothing is saved.
    answer = pilot.rollback(id);
  } catch (e) {
    return h('p', { class: 'empty' }, 'No rollback preview: ', h('code', {}, e.code ?? 'error'), ' ', e.message);
  }
  const radius = answer.preview?.blast_radius;
  if (!radius) return h('p', { class: 'empty' }, 'No rollback preview for this workflow.');
  const extra = [
    ['Not reversed by Pilot', radius.not_reversed_by_pilot],
    ['Not reversible outside Pilot', radius.not_reversible_outside_pilot, radius.not_reversible_outside_pilot_note],
    ['Left behind by an earlier rollback', radius.left_behind_by_earlier_rollback],
    ['Effects unknown', radius.unknown_effects],
  ].filter(([, refs]) => refs && refs.length > 0);
  return h(
    'div',
    { class: 'radius' },
    h(
      'p',
      { class: 'radius-summary' },
      'If this workflow were rolled back now, it would end ',
      badge(radius.state_after),
      '.',
    ),
    h(
      'div',
      { class: 'radius-grid' },
      refList('Would be rolled back', radius.would_roll_back, 'nothing — no completed step has an undo', null),
      refList('Left in place', radius.left_in_place, 'nothing', radius.left_in_place_note),
      extra.map(([title, refs, note]) => refList(title, refs, 'nothing', note)),
      h(
        'div',
        { class: 'radius-part' },
        h('h4', {}, 'Blockers ', h('span', { class: 'count' }, radius.blockers.length)),
        radius.blockers.length === 0
          ? h('p', { class: 'empty' }, 'none')
          : h('ul', { class: 'bad' }, radius.blockers.map((b) => h('li', {}, b))),
      ),
    ),
    radius.unmeasured.length > 0
      ? h(
          'div',
          { class: 'radius-part' },
          h('h4', {}, 'Not measured: check these by hand'),
          h('ul', {}, radius.unmeasured.map((u) => h('li', {}, u))),
        )
      : null,
  );
}

function renderDetail() {
  const detail = $('detail');
  let record = null;
  if (selectedId !== null) {
    try {
      record = pilot.status(selectedId);
    } catch {
      selectedId = null; // gone from the store (deleted in another tab)
    }
  }
  const awaiting = record !== null && record.state === 'awaiting_approval';
  $('approve').disabled = !awaiting;
  $('reject').disabled = !awaiting;
  if (!record) {
    $('detail-title').textContent = 'Workflow';
    detail.replaceChildren(h('p', { class: 'empty' }, 'Select a workflow to review it.'));
    return;
  }

  const gate = shownGate(record);
  const before = gate ? record.steps.filter((s) => s.index < gate.index) : record.steps;
  const after = gate ? record.steps.filter((s) => s.index > gate.index) : [];
  $('detail-title').replaceChildren(record.workflow_type, ' ', badge(record.state));

  detail.replaceChildren(
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Id'),
      h('dd', {}, h('code', { id: 'detail-id' }, record.id)),
      h('dt', {}, 'Created by'),
      h('dd', {}, record.created_by || 'unknown'),
      h('dt', {}, 'Edited by'),
      h('dd', {}, record.authors.length ? record.authors.join(', ') : '—'),
      h('dt', {}, 'Approved by'),
      h('dd', {}, record.approved_by || '—'),
    ),
    h('h3', {}, gate ? `Approval gate · step ${gate.index} ` : 'Approval gate', gate ? badge(gate.status) : null),
    h(
      'blockquote',
      { id: 'gate-message', class: 'gate' },
      gate ? String(gate.params?.message ?? '') || '(the gate has no message)' : 'This workflow has no approval gate.',
    ),
    h('div', { class: 'steps-cols' },
      h('div', {}, h('h3', {}, 'Steps before the gate'), stepTable('steps-done', before, 'None: the gate comes first.')),
      h('div', {}, h('h3', {}, 'Steps after the gate'), stepTable('steps-next', after, 'None.')),
    ),
    h('h3', {}, 'Rollback blast radius'),
    h('div', { id: 'blast-radius' }, blastRadius(record.id)),
  );
}

function select(id) {
  selectedId = id;
  clearMessages();
  render();
}

// ── decisions ─────────────────────────────────────────────────────────────────────────────

function decide(kind) {
  clearMessages();
  const id = selectedId;
  if (id === null) return;
  const name = $('approver').value.trim();
  const reason = $('reason').value.trim();
  try {
    // hold: record the approval and stop; the agent that performs the steps runs it on.
    if (kind === 'approve') pilot.approve(id, name, { hold: true });
    else pilot.reject(id, name, reason);
    const record = pilot.status(id); // transitions return the checkpoint; the record is in the store
    const gate = shownGate(record);
    showStatus(
      h('strong', {}, kind === 'approve' ? 'Approved' : 'Rejected'),
      ' ',
      h('code', {}, id),
      ` as ${name}: the workflow is now `,
      h('span', { id: 'status-state', 'data-state': record.state }, badge(record.state)),
      gate ? [' — gate step ', String(gate.index), ' ', badge(gate.status)] : null,
      kind === 'approve' ? '. The agent continues it on its next run.' : '. Nothing after the gate will run.',
    );
  } catch (e) {
    // Another tab changed the record since it was read: drop the copy so a retry reads it anew.
    if (e && e.code === 'conflict') pilot.forget(id);
    showError(e, kind === 'approve' ? 'Approval refused' : 'Rejection refused');
  }
  render();
}

$('approve').addEventListener('click', () => decide('approve'));
$('reject').addEventListener('click', () => decide('reject'));
$('decision').addEventListener('submit', (event) => event.preventDefault());

// ── import and export ─────────────────────────────────────────────────────────────────────

/** Stores one record from an export; returns 'added' or 'replaced'. */
function importRecord(raw) {
  // the Pilot validates it (older rows upgraded) and saves it redacted, over the stored
  // revision of its id when there is one
  const known = raw && typeof raw === 'object' && typeof raw.id === 'string' && storage.load(raw.id) !== null;
  pilot.importRecord(raw);
  return known ? 'replaced' : 'added';
}

async function importFile(file) {
  clearMessages();
  const box = $('import-result');
  box.hidden = false;
  let items;
  try {
    const data = JSON.parse(await file.text());
    items = Array.isArray(data) ? data : data && Array.isArray(data.workflows) ? data.workflows : null;
    if (!items) throw new Error('expected a JSON array of records, or an object with a "workflows" array');
  } catch (e) {
    box.className = 'import-result bad';
    box.replaceChildren(h('strong', {}, `Nothing imported from ${file.name}: `), e.message);
    return;
  }

  const counts = { added: 0, replaced: 0 };
  const failures = [];
  items.forEach((raw, i) => {
    try {
      counts[importRecord(raw)] += 1;
    } catch (e) {
      const id = raw && typeof raw === 'object' && typeof raw.id === 'string' ? raw.id : null;
      failures.push({ i, id, code: e.code ?? 'error', message: e.message });
    }
  });

  box.className = `import-result ${failures.length ? 'bad' : 'good'}`;
  box.replaceChildren(
    h(
      'p',
      {},
      h('strong', {}, file.name),
      `: ${counts.added} added, ${counts.replaced} replaced, ${failures.length} not imported.`,
    ),
    // replaceChildren would print a null as the text "null": only real nodes go in
    ...(failures.length
      ? [
          h(
            'ul',
            { id: 'import-errors' },
            failures.map((f) =>
              h('li', {}, `record ${f.i + 1}${f.id ? ` (${f.id})` : ''}: `, h('code', {}, f.code), ' ', f.message),
            ),
          ),
        ]
      : []),
  );
  if (selectedId === null) {
    const first = readWorkflows().find((r) => r.record && r.record.state === 'awaiting_approval');
    if (first) selectedId = first.summary.id;
  }
  render();
}

$('import-file').addEventListener('change', async (event) => {
  const input = event.target;
  const file = input.files && input.files[0];
  if (!file) return;
  try {
    await importFile(file);
  } finally {
    input.value = ''; // choosing the same file again imports it again
  }
});

$('export').addEventListener('click', () => {
  const workflows = storage.list();
  const blob = new Blob([JSON.stringify({ workflows }, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  h('a', { href: url, download: `vmware-pilot-workflows-${stamp}.json` }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

// Another tab of this page wrote the store: re-read what it changed.
window.addEventListener('storage', (event) => {
  if (event.key === null) {
    shownIds.forEach((id) => pilot.forget(id)); // localStorage.clear()
  } else if (event.key.startsWith(PREFIX)) {
    pilot.forget(event.key.slice(PREFIX.length));
  } else {
    return;
  }
  render();
});

render();
document.body.dataset.ready = 'true'; // the test waits for this
