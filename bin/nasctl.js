#!/usr/bin/env node
'use strict';
// Entry point of the `nasctl` command. The CLI lives in daemon/cli/; this file only starts it.
const { main } = require('../dist/daemon/cli/main.js');
main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.stack : String(err)); process.exitCode = 1; },
);
