// The CommonJS view of the same declarations.
import pilot = require('vmware-pilot');

const store = pilot.fileStorage('/tmp/pilot-types');
const p = new pilot.Pilot(store, { caller: 'agent' });
const list: pilot.WorkflowSummary[] = p.list({ active: true });
const e = new pilot.PilotError('not_found', 'x');
console.log(list.length, e.code, pilot.version());
