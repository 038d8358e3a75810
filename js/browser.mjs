// The browser and bundler entry (ESM). WebAssembly is instantiated asynchronously here:
// `await ready()` once before any other call (calls before that throw PilotError `not_ready`).

import init, * as native from './pilot_core.js';
import { createApi, PilotError } from '../api.mjs';

let instantiated = false;
let pending = null;

/** Instantiates the wasm module (once). `wasm`: where to load it from, when the default
 * (next to this file) does not suit: a URL, a Response, bytes or a WebAssembly.Module. */
export function ready(wasm) {
  if (!pending) {
    pending = init(wasm === undefined ? undefined : { module_or_path: wasm }).then(() => {
      instantiated = true;
    });
  }
  return pending;
}

const api = createApi(native, () => {
  if (!instantiated) {
    throw new PilotError(
      'not_ready',
      'vmware-pilot is not instantiated yet: call `await ready()` once before using it (the browser build loads its WebAssembly asynchronously).',
      null,
    );
  }
});

export const {
  Pilot,
  memoryStorage,
  webStorage,
  keyValueStorage,
  version,
  skillCatalog,
  templates,
  parseYaml,
  createFromTemplate,
  createWorkflow,
  designDraft,
  updateDraft,
  confirmDraft,
  runCheck,
  run,
  report,
  approve,
  rollback,
  cancel,
  rollbackPreview,
  cancelPreview,
  radiusRefusal,
  review,
  gateViolations,
  status,
  loadRecord,
  storedText,
  fromStoredText,
  redacted,
} = api;
export { PilotError };
