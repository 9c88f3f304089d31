'use strict';
// The files under a folder (at any depth) whose names end with a suffix, sorted by path: shared
// by the build and test scripts. (fs.readdirSync's `recursive` option needs Node 20.1; engines allows 20.0.)
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

function filesUnder(dir, suffix) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, suffix));
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

module.exports = { filesUnder };
