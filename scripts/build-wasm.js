#!/usr/bin/env node
'use strict';
// Assembles every hand-written WebAssembly text module (trial-runtime/**/*.wat) into a binary at the
// same relative path under dist/ (x.wat -> dist/trial-runtime/.../x.wasm), next to the compiled .js
// that loads it. Run after tsc (package.json "build"). Uses the npm package wabt (a dev/build
// dependency); the runtime never needs it. Exits 1 naming the file on a parse or validation error.
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { filesUnder } = require('./files-under');

const root = join(__dirname, '..');
const sources = ['trial-runtime'];

async function main() {
  const wabt = await require('wabt')();
  const files = sources.flatMap((s) => filesUnder(join(root, s), '.wat'));
  for (const file of files) {
    const rel = relative(root, file);
    const target = join(root, 'dist', rel.replace(/\.wat$/, '.wasm'));
    let mod;
    try {
      mod = wabt.parseWat(rel, readFileSync(file, 'utf8'));
      mod.validate();
      const { buffer } = mod.toBinary({});
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, Buffer.from(buffer));
    } catch (err) {
      console.error(`build-wasm: ${rel}: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    } finally {
      if (mod) mod.destroy();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
