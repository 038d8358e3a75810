// The npm package's budgets, measured: the .wasm size (raw and gzipped), instantiation time
// in Node (fresh processes), and the core's lifecycle job (core/benches/shared/lifecycle_job.rs)
// run through the wasm build beside the same job compiled natively, as a ratio.
//
//   node benches/node_lifecycle.mjs [--native-json '{"10":6.1,...}']   (make bench-node)

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = `${root}dist/node/index.cjs`;
const wasmPath = `${root}dist/web/pilot_core_bg.wasm`; // the one .wasm the package ships
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ── sizes ──
const wasm = readFileSync(wasmPath);
const gz = gzipSync(wasm, { level: 9 }).length;
console.log(`wasm: ${(wasm.length / 1024).toFixed(0)} KB raw, ${(gz / 1024).toFixed(0)} KB gzipped (budget 300 KB)`);

// ── instantiation: require() of the package in a fresh process (compile + instantiate + glue) ──
const probe = `const t0 = performance.now(); require(${JSON.stringify(entry)}); console.log(performance.now() - t0);`;
const loads = Array.from({ length: 7 }, () => Number(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })));
const compileProbe = `const b = require('fs').readFileSync(${JSON.stringify(wasmPath)}); const t0 = performance.now();
  new WebAssembly.Module(b); console.log(performance.now() - t0);`;
const compiles = Array.from({ length: 7 }, () =>
  Number(execFileSync(process.execPath, ['-e', compileProbe], { encoding: 'utf8' })),
);
console.log(
  `instantiation in Node: require() ${median(loads).toFixed(1)} ms median of 7 fresh processes ` +
    `(of which WebAssembly.Module compile ${median(compiles).toFixed(1)} ms; budget 30 ms)`,
);

// ── the lifecycle job ──
const pilot = createRequire(import.meta.url)(entry);

function specs(n) {
  return Array.from({ length: n }, (_, i) =>
    i === 1
      ? { action: 'require_approval', skill: 'pilot', tool: 'approve', params: { message: 'Proceed?' } }
      : { action: `restart_${i}`, skill: 'aiops', tool: 'power_on_vm', params: { vm_name: `vm-${i}`, target: 'vc-01' } },
  );
}

/** The job of lifecycle_job.rs through a Pilot: create, run, approve, report every step. */
function lifecycle(n, storage) {
  const p = new pilot.Pilot(storage(), { caller: 'bench', mode: 'host' });
  const { id } = p.createWorkflow('bench', 'lifecycle', specs(n));
  let t = p.run(id);
  let dispatched = 0;
  for (;;) {
    if (t.checkpoint.kind === 'dispatch') {
      const req = t.checkpoint.requests[0];
      dispatched += 1;
      t = p.report(id, req.index, { returned: { ok: true, vm: req.params.vm_name } });
    } else if (t.checkpoint.kind === 'awaiting_approval') {
      t = p.approve(id, 'lead');
    } else if (t.checkpoint.kind === 'completed') {
      break;
    } else {
      throw new Error(`unexpected checkpoint ${t.checkpoint.kind}`);
    }
  }
  p.free();
  return dispatched;
}

function perStep(n, storage) {
  const rounds = Math.max(3, Math.floor(4000 / n));
  // warm up until V8 has tiered the hot wasm functions up from its baseline compiler
  for (const until = performance.now() + 500; performance.now() < until; ) lifecycle(n, storage);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r += 1) lifecycle(n, storage);
  return ((performance.now() - t0) * 1000) / (rounds * n);
}

const nativeArg = process.argv.indexOf('--native-json');
const native = JSON.parse(
  nativeArg > 0
    ? process.argv[nativeArg + 1]
    : execFileSync('cargo', ['run', '-q', '--release', '-p', 'vmware-pilot-core', '--example', 'lifecycle_timing'], {
        cwd: root,
        encoding: 'utf8',
      }),
);

console.log('\nlifecycle job, µs per step (create + run + approve + dispatch/report of every step):');
console.log('| steps | native Rust | wasm, in-wasm store | ratio | wasm, JS Map storage | ratio |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const n of [10, 100, 1000]) {
  const inWasm = perStep(n, () => null);
  const jsMap = perStep(n, () => pilot.memoryStorage());
  const nat = native[String(n)];
  console.log(
    `| ${n} | ${nat.toFixed(1)} | ${inWasm.toFixed(1)} | ${(inWasm / nat).toFixed(1)}× | ${jsMap.toFixed(1)} | ${(jsMap / nat).toFixed(1)}× |`,
  );
}
