#!/usr/bin/env node
'use strict';
// Runs every compiled test file (dist/test/**/*.test.js) with Node's built-in test runner.
// Optional arguments filter the files by substring: `node scripts/run-tests.js store config`.
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');
const { filesUnder } = require('./files-under');

const root = join(__dirname, '..', 'dist', 'test');
const filters = process.argv.slice(2);
const files = filesUnder(root, '.test.js').filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
