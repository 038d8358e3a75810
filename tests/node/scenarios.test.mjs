// The scenario corpus through the wasm build: every expectation of every scenario holds,
// and every event's response, error code and record are exactly what the Rust core produced
// (target/scenario-transcript.json, written by `cargo test --test scenarios`).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import { replay, scenarioFiles } from './scenario-runner.mjs';

const pilot = createRequire(import.meta.url)('../../dist/node/index.cjs');
const transcriptPath = new URL('../../target/scenario-transcript.json', import.meta.url);

const files = scenarioFiles();

test('the corpus is there', () => {
  assert.ok(files.length >= 60, `only ${files.length} scenario files`);
});

const rust = existsSync(transcriptPath) ? JSON.parse(readFileSync(transcriptPath, 'utf8')) : null;

for (const file of files) {
  test(`scenario ${file}`, () => {
    const { transcript, problems } = replay(pilot, file);
    assert.deepEqual(problems, []);
    assert.ok(rust, 'target/scenario-transcript.json is missing: run `cargo test --release --test scenarios` first (make test does)');
    assert.ok(rust[file], `the Rust transcript has no ${file}: it is stale, run cargo test again`);
    assert.equal(transcript.length, rust[file].length, 'event count');
    transcript.forEach((got, i) => {
      // the Rust runner writes, beside the response, the npm package's wording of its prose
      const { response_js: js, ...want } = rust[file][i];
      if (js !== undefined) want.response = js;
      assert.deepEqual(got, want, `${file}: event ${i - 1} differs from the Rust core`);
    });
  });
}
