#!/usr/bin/env bash
# The npm tarball, installed into an empty folder, works for its users: require() and import
# in Node (a whole workflow through fileStorage), the types resolve for a TypeScript user,
# and — with the browser test pointed at the installed copy — in a browser page.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack ./target/npm-package --silent --pack-destination "$work" 2>/dev/null | tail -1)
echo "packed $tarball ($(du -k "$work/$tarball" | cut -f1) KB)"
tar -tzf "$work/$tarball" | sed 's/^/  /'
wasm_files=$(tar -tzf "$work/$tarball" | grep -c '\.wasm$' || true)
# its README is the package's own (js/README.md) and needs nothing outside the tarball
readme=$(tar -xzOf "$work/$tarball" package/README.md)
grep -q 'npm install vmware-pilot' <<<"$readme" || { echo "the tarball's README is not the package README" >&2; exit 1; }
if grep -nE '\]\((\.\./|\./)?(docs|examples)/' <<<"$readme"; then echo "the tarball's README links files it does not ship" >&2; exit 1; fi
grep -q '^package/LICENSE$' <<<"$(tar -tzf "$work/$tarball")" || { echo "no LICENSE in the tarball" >&2; exit 1; }
[ "$wasm_files" = 1 ] || { echo "the tarball ships $wasm_files .wasm files, not one" >&2; exit 1; }

mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null 2>&1
npm install --silent --no-audit --no-fund "$work/$tarball" >/dev/null 2>&1

node -e "
const p = require('vmware-pilot');
const pilot = new p.Pilot(p.fileStorage('$work/store'), { caller: 'agent', mode: 'host' });
const wf = pilot.createFromTemplate('rolling_restart', { vm_names: ['a'] });
let t = pilot.run(wf.id, { force: true });
for (;;) {
  if (t.checkpoint.kind === 'dispatch') t = pilot.report(wf.id, t.checkpoint.requests[0].index, { returned: { ok: true } });
  else if (t.checkpoint.kind === 'awaiting_approval') t = pilot.approve(wf.id, 'lead');
  else break;
}
if (pilot.get(wf.id).state !== 'completed') throw new Error('require(): workflow did not complete');
console.log('require(): a workflow completed through fileStorage');
"
cat > esm.mjs <<'JS'
import { Pilot, PilotError, templates, version } from 'vmware-pilot';
const p = Pilot.inMemory({ caller: 'agent' });
try {
  p.createFromTemplate('nope', {});
  throw new Error('no refusal');
} catch (e) {
  if (!(e instanceof PilotError) || e.code !== 'unknown_template') throw e;
}
console.log(`import: version ${version()}, ${templates().length} templates, PilotError codes work`);
JS
node esm.mjs

# a TypeScript user of the installed package, strict
cat > use.mts <<'TS'
import { Pilot, type PilotTransition } from 'vmware-pilot';
const t: PilotTransition = Pilot.inMemory().run('x');
console.log(t.checkpoint.kind);
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext", "lib": ["es2022", "dom"], "types": [] }, "files": ["use.mts"] }
JSON
"$repo/node_modules/.bin/tsc" -p tsconfig.json
echo "types: a strict TypeScript program compiles against the installed package"

# the browser: the approval page test, served from the installed copy
cd "$repo"
PILOT_PKG_DIR="$work/app/node_modules/vmware-pilot" node --test tests/browser/

# bundlers, as the README describes them: Vite as is; esbuild with the .wasm copied or ready(url)
PILOT_APP_DIR="$work/app" node --test tests/npm-pack/bundlers.test.mjs
