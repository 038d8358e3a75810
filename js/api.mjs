// The JS face of the core, shared by the Node and browser builds. It converts arguments,
// turns the core's errors into PilotError instances, and offers storage adapters; every rule
// (states, gates, separation of duties, blast radius, revisions checked by the driver) is in
// the wasm core. The Node build turns this file into CommonJS (scripts/assemble-npm.mjs),
// so it has no imports and exactly one export statement, at the end.

/** An error from vmware-pilot: `code` is stable (see docs/errors.md), `details` is
 * upstream's answer for a refusal (for instance the blast radius or the fix). */
class PilotError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = 'PilotError';
    this.code = code;
    this.details = details === undefined ? null : details;
  }
}

function asPilotError(e) {
  if (e instanceof PilotError) return e;
  if (e && typeof e === 'object' && e.name === 'PilotError' && typeof e.code === 'string') {
    return new PilotError(e.code, e.message, e.details);
  }
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) {
    return new PilotError(
      'internal',
      `the vmware-pilot core stopped on an internal error (${e.message}); this is a bug — please report ` +
        'the call that caused it. Reload the module before further calls.',
      null,
    );
  }
  return e;
}

// ── storage adapters ─────────────────────────────────────────────────────────────────────
// Each keeps `{revision, record}` per workflow id in a key-value backend and enforces the
// storage contract's revision check, so two Pilots over one store never lose an update.

function storageError(code, message, found) {
  const e = new Error(message);
  e.code = code;
  if (found !== undefined) e.found = found;
  return e;
}

/** The storage contract's revision check: the revision a save of `id` gets, given the entry
 * stored now (`cur`, or null) and the revision the caller's copy was read at (null: new). */
function nextRevision(id, cur, expectedRevision) {
  if (expectedRevision === null) {
    if (cur) throw storageError('already_exists', `workflow ${id} is already stored`);
  } else if (!cur || cur.revision !== expectedRevision) {
    throw storageError(
      'conflict',
      `workflow ${id} is at revision ${cur ? cur.revision : 'none'}, not ${expectedRevision}`,
      cur ? cur.revision : undefined,
    );
  }
  return cur ? cur.revision + 1 : 1;
}

// An entry is the JSON text `{"revision":N,"record":<the record as vmware-pilot stores it>}`,
// written by concatenation so that the record's text passes through untouched.
const ENTRY_HEAD = /^\{"revision":(\d+),"record":/;

function entryText(revision, recordText) {
  return `{"revision":${revision},"record":${recordText}}`;
}

function readEntry(text) {
  const m = text.match(ENTRY_HEAD);
  if (m) return { revision: Number(m[1]), text: text.slice(m[0].length, -1) };
  const parsed = JSON.parse(text); // written by hand, or by another tool
  return { revision: parsed.revision, text: JSON.stringify(parsed.record) };
}

/** The storage contract over a backend of JSON texts: `{read(id), write(id, text), remove(id), ids()}`.
 * Implements the text fast path too (`loadText`/`saveText`), which Pilot prefers. */
function keyValueStorage(backend) {
  const current = (id) => {
    const text = backend.read(id);
    return text == null ? null : readEntry(text);
  };
  const check = (id, cur, expectedRevision) => nextRevision(id, cur, expectedRevision);
  return {
    loadText(id) {
      return current(id);
    },
    // asked before every read and transition: only the entry's head is parsed
    revision(id) {
      const text = backend.read(id);
      if (text == null) return null;
      const m = text.match(ENTRY_HEAD);
      return m ? Number(m[1]) : readEntry(text).revision;
    },
    saveText(id, text, expectedRevision) {
      const revision = check(id, current(id), expectedRevision);
      backend.write(id, entryText(revision, text));
      return revision;
    },
    load(id) {
      const cur = current(id);
      return cur && { revision: cur.revision, record: JSON.parse(cur.text) };
    },
    save(record, expectedRevision) {
      const revision = check(record.id, current(record.id), expectedRevision);
      backend.write(record.id, entryText(revision, JSON.stringify(record)));
      return revision;
    },
    list() {
      return backend
        .ids()
        .map((id) => current(id))
        .filter(Boolean)
        .map((e) => JSON.parse(e.text));
    },
    delete(id) {
      if (backend.read(id) == null) return false;
      backend.remove(id);
      return true;
    },
  };
}

/** Storage in a `Map` (given, or a new one) of id → `{revision, text}`, `text` being the
 * record as vmware-pilot stores it. Nothing is serialised twice: the fastest host storage. */
function memoryStorage(map = new Map()) {
  const check = (id, expectedRevision) => nextRevision(id, map.get(id), expectedRevision);
  return {
    loadText(id) {
      const cur = map.get(id);
      return cur ? { revision: cur.revision, text: cur.text } : null;
    },
    revision(id) {
      const cur = map.get(id);
      return cur ? cur.revision : null;
    },
    saveText(id, text, expectedRevision) {
      const revision = check(id, expectedRevision);
      map.set(id, { revision, text });
      return revision;
    },
    load(id) {
      const cur = map.get(id);
      return cur ? { revision: cur.revision, record: JSON.parse(cur.text) } : null;
    },
    save(record, expectedRevision) {
      const revision = check(record.id, expectedRevision);
      map.set(record.id, { revision, text: JSON.stringify(record) });
      return revision;
    },
    list() {
      return [...map.values()].map((e) => JSON.parse(e.text));
    },
    delete(id) {
      return map.delete(id);
    },
  };
}

/** Storage in a Web Storage object (`window.localStorage`), one key per workflow under `prefix`. */
function webStorage(storage, prefix = 'vmware-pilot:') {
  return keyValueStorage({
    read: (id) => storage.getItem(prefix + id),
    write: (id, text) => storage.setItem(prefix + id, text),
    remove: (id) => storage.removeItem(prefix + id),
    ids: () => {
      const ids = [];
      for (let i = 0; i < storage.length; i += 1) {
        const key = storage.key(i);
        if (key !== null && key.startsWith(prefix)) ids.push(key.slice(prefix.length));
      }
      return ids;
    },
  });
}

// ── the API ──────────────────────────────────────────────────────────────────────────────

/** Builds the API over the wasm-bindgen module `native`; `ensureReady()` throws until the
 * module is instantiated (browsers instantiate asynchronously). */
function createApi(native, ensureReady) {
  const call = (fn) =>
    function pilotCall(...args) {
      ensureReady();
      try {
        return fn(...args);
      } catch (e) {
        throw asPilotError(e);
      }
    };
  const opt = (o) => (o === undefined || o === null ? {} : o);
  const env = (o) => (o.env === undefined ? null : o.env);
  const customs = (o) => (o.customTemplates === undefined ? null : o.customTemplates);
  // one operation of the core's record API; `o` carries env, mode and preflight
  const rec = (op, args, o) => native.recordCall(op, args, env(o), o);

  class Pilot {
    #native;
    /** `storage`: the callbacks object, or null for the core's in-memory store. */
    constructor(storage, options) {
      this.#native = call(() => new native.Pilot(storage === undefined ? null : storage, opt(options)))();
    }
    static inMemory(options) {
      return new Pilot(null, options);
    }
    #do(fn) {
      return call(fn)();
    }
    createFromTemplate(name, args, options) {
      const o = opt(options);
      return this.#do(() => this.#native.createFromTemplate(name, opt(args), customs(o)));
    }
    createWorkflow(name, description, steps) {
      return this.#do(() => this.#native.createWorkflow(name, description ?? '', steps));
    }
    designDraft(goal, constraints) {
      return this.#do(() => this.#native.designDraft(goal, constraints ?? ''));
    }
    updateDraft(id, changes) {
      return this.#do(() => this.#native.updateDraft(id, opt(changes)));
    }
    confirmDraft(id) {
      return this.#do(() => this.#native.confirmDraft(id));
    }
    importRecord(record) {
      return this.#do(() => this.#native.importRecord(record));
    }
    get(id) {
      return this.#do(() => this.#native.get(id));
    }
    status(id) {
      return this.#do(() => this.#native.status(id));
    }
    review(id) {
      return this.#do(() => this.#native.review(id));
    }
    run(id, options) {
      return this.#do(() => this.#native.run(id, Boolean(opt(options).force)));
    }
    report(id, index, outcome) {
      return this.#do(() => this.#native.report(id, index, outcome));
    }
    approve(id, approver, options) {
      const o = opt(options);
      return this.#do(() =>
        this.#native.approve(id, approver ?? '', Boolean(o.acknowledgeNotExecuted), Boolean(o.hold)),
      );
    }
    reject(id, rejecter, reason) {
      return this.#do(() => this.#native.reject(id, rejecter ?? '', reason ?? ''));
    }
    rollback(id, options) {
      const o = opt(options);
      return this.#do(() =>
        this.#native.rollback(id, Boolean(o.confirm), Boolean(o.acknowledgeUnknownEffects)),
      );
    }
    cancel(id, options) {
      const o = opt(options);
      return this.#do(() =>
        this.#native.cancel(id, o.reason ?? '', Boolean(o.confirm), Boolean(o.acknowledgeUnknownEffects)),
      );
    }
    list(options) {
      return this.#do(() => this.#native.list(Boolean(opt(options).active)));
    }
    delete(id) {
      return this.#do(() => this.#native.delete(id));
    }
    recover(id) {
      return this.#do(() => this.#native.recover(id));
    }
    forget(id) {
      this.#do(() => this.#native.forget(id));
    }
    exportRecords() {
      return this.#do(() => this.#native.exportRecords());
    }
    /** Frees the wasm memory this Pilot holds (optional: it is also reclaimed by the GC). */
    free() {
      this.#native.free();
    }
  }

  return {
    PilotError,
    Pilot,
    memoryStorage,
    webStorage,
    keyValueStorage,
    version: call(() => native.version()),
    skillCatalog: call(() => native.skillCatalog()),
    templates: call((options) => native.templates(customs(opt(options)))),
    parseYaml: call((text) => native.parseYaml(text)),
    createFromTemplate: call((name, args, options) => {
      const o = opt(options);
      return rec('create_from_template', { name, args: args ?? null, custom_templates: customs(o) }, o);
    }),
    createWorkflow: call((name, description, steps, options) =>
      rec('create_workflow', { name, description: description ?? '', steps: steps ?? null }, opt(options)),
    ),
    designDraft: call((goal, constraints, options) =>
      rec('design_draft', { goal, constraints: constraints ?? '' }, opt(options)),
    ),
    updateDraft: call((record, changes, options) => {
      const c = opt(changes);
      const args = { record, name: c.name ?? '', description: c.description ?? '', steps: c.steps ?? null };
      return rec('update_draft', args, opt(options));
    }),
    confirmDraft: call((record, options) => rec('confirm_draft', { record }, opt(options))),
    runCheck: call((record, options) => {
      const o = opt(options);
      return rec('run_check', { record, force: Boolean(o.force) }, o);
    }),
    run: call((record, options) => rec('run', { record }, opt(options))),
    report: call((record, index, outcome, options) => rec('report', { record, index, outcome }, opt(options))),
    approve: call((record, approver, options) => {
      const o = opt(options);
      const args = {
        record,
        approver: approver ?? '',
        acknowledge_not_executed: Boolean(o.acknowledgeNotExecuted),
        hold: Boolean(o.hold),
        approve_mode: o.approveMode ?? null,
      };
      return rec('approve', args, o);
    }),
    rollback: call((record, options) => rec('rollback', { record }, opt(options))),
    cancel: call((record, reason, options) => rec('cancel', { record, reason: reason ?? '' }, opt(options))),
    rollbackPreview: call((record, options) =>
      rec('rollback_preview', { record, acknowledge_unknown_effects: Boolean(opt(options).acknowledgeUnknownEffects) }, {}),
    ),
    cancelPreview: call((record, options) =>
      rec('cancel_preview', { record, acknowledge_unknown_effects: Boolean(opt(options).acknowledgeUnknownEffects) }, {}),
    ),
    radiusRefusal: call((verb, record, radius) => rec('radius_refusal', { verb, record, radius }, {})),
    review: call((record) => rec('review', { record }, {})),
    gateViolations: call((record) => rec('gate_violations', { record }, {})),
    status: call((record) => rec('status', { record }, {})),
    loadRecord: call((record) => rec('load_record', { record }, {})),
    storedText: call((record) => rec('stored_text', { record }, {})),
    fromStoredText: call((text) => rec('from_stored_text', { text }, {})),
    redacted: call((record) => rec('redacted', { record }, {})),
  };
}

export { createApi, PilotError, memoryStorage, webStorage, keyValueStorage };
