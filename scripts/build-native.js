#!/usr/bin/env node
/**
 * Builds nasctl's one native program, the trial spawner
 * (daemon/training/local/native/nasctl-spawner.c -> dist/daemon/training/local/nasctl-spawner),
 * with the first C compiler found: $CC, cc, gcc, clang, then g++ in C mode. Run by `npm run build`.
 *
 * Optional by design: without a compiler (or on a platform where it does not build) this prints
 * one line and exits 0, and the daemon starts trials through its Node spawner instead, about
 * 0.5 ms slower per trial start. NASCTL_NATIVE_SPAWNER_REQUIRED=1 turns that into a failure (CI
 * sets it, so the fast path cannot silently go missing there).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, rmSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'daemon', 'training', 'local', 'native', 'nasctl-spawner.c');
const target = path.join(root, 'dist', 'daemon', 'training', 'local', 'nasctl-spawner');
const required = process.env.NASCTL_NATIVE_SPAWNER_REQUIRED === '1';

function upToDate() {
  try {
    const built = statSync(target).mtimeMs;
    return built >= statSync(source).mtimeMs && built >= statSync(__filename).mtimeMs;
  } catch {
    return false;
  }
}

function compilers() {
  const list = [];
  if (process.env.CC) list.push([process.env.CC, []]);
  list.push(['cc', []], ['gcc', []], ['clang', []], ['g++', ['-x', 'c']]);
  return list;
}

function main() {
  if (process.platform === 'win32') return notice('not built on Windows');
  if (upToDate()) return;
  mkdirSync(path.dirname(target), { recursive: true });
  // An out-of-date binary must not outlive a failed build: the daemon would run it.
  rmSync(target, { force: true });
  const errors = [];
  for (const [cc, lang] of compilers()) {
    const result = spawnSync(cc, [...lang, '-O2', '-Wall', '-o', target, source], { encoding: 'utf8' });
    if (result.error) {
      errors.push(`${cc}: ${result.error.code === 'ENOENT' ? 'not found' : result.error.message}`);
      continue;
    }
    if (result.status === 0) return;
    errors.push(`${cc}: exit ${result.status}: ${(result.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
    rmSync(target, { force: true }); // what a failed compile left
  }
  notice(errors.join('; '));
}

function notice(why) {
  const line = `nasctl: the native trial spawner was not built (${why}); trials start through the Node spawner (slower per start).`;
  if (required) {
    console.error(`${line}\nNASCTL_NATIVE_SPAWNER_REQUIRED=1: failing.`);
    process.exit(1);
  }
  console.warn(line);
}

main();
