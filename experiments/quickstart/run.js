#!/usr/bin/env node
'use strict';
/*
 * The CPU quickstart in one command (`npm run quickstart`): trains a small SPOS supernet on
 * Fashion-MNIST (supernet.yml), searches it with two reuse-mode workers (search.yml), then prints
 * the best architecture with its accuracy and writes it to output/best_arch.json.
 *
 * Options: --keep        keep output/ from an earlier run (the supernet resumes from its latest
 *                        checkpoint instead of starting over)
 *          --search-only skip step 1 (needs output/supernet from an earlier run)
 * Progress shows in this terminal and in the web UI the daemon serves (http://127.0.0.1:8080).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const repo = path.resolve(here, '..', '..');
const out = path.join(here, 'output');
const args = new Set(process.argv.slice(2));

function fail(message) {
  process.stderr.write(`quickstart: ${message}\n`);
  process.exit(1);
}

function nasctl(config) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'nasctl.js'), 'create', '--config', path.join(here, config), '--foreground'], { stdio: 'inherit', cwd: repo });
  if (r.error) fail(`could not start nasctl: ${r.error.message}`);
  if (r.status !== 0) fail(`nasctl create --config ${config} ended with exit code ${r.status}; see the messages above`);
  return (Date.now() - started) / 1000;
}

function bestOf(file) {
  if (!fs.existsSync(file)) fail(`${file} was not written: no search trial finished (see the trial logs in the web UI or \`nasctl log\`)`);
  const records = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
  if (records.length === 0) fail(`${file} is empty: no search trial finished`);
  records.sort((a, b) => b.accuracy - a.accuracy);
  return { best: records[0], count: records.length };
}

for (const f of ['trial-runtime/programs/train-supernet.js', 'trial-runtime/programs/eval-arch-trial.js', 'daemon/cli/main.js']) {
  if (!fs.existsSync(path.join(repo, 'dist', f))) fail(`dist/${f} is missing: build first with \`npm run build\``);
}
const t0 = Date.now();
if (!args.has('--keep') && !args.has('--search-only')) fs.rmSync(out, { recursive: true, force: true });
fs.rmSync(path.join(out, 'search_results.jsonl'), { force: true });
fs.mkdirSync(out, { recursive: true });

process.stdout.write('quickstart 1/2: training the supernet (supernet.yml)\n');
const trainSeconds = args.has('--search-only') ? 0 : nasctl('supernet.yml');
if (!fs.existsSync(path.join(out, 'supernet', 'latest', 'manifest.json'))) fail('the supernet left no checkpoint in output/supernet/latest');
process.stdout.write('quickstart 2/2: searching architectures (search.yml)\n');
const searchSeconds = nasctl('search.yml');

const { best, count } = bestOf(path.join(out, 'search_results.jsonl'));
const manifest = JSON.parse(fs.readFileSync(path.join(out, 'supernet', 'latest', 'manifest.json'), 'utf8'));
const total = (Date.now() - t0) / 1000;
const record = {
  space: manifest.space,
  supernetOptions: manifest.supernetOptions,
  arch: best.arch,
  parameters: best.parameters,
  accuracy: best.accuracy,
  accuracyBeforeBnRecalibration: best.accuracyBefore,
  flops: best.flops,
  params: best.params,
  trialId: best.trialId,
  evaluated: count,
  checkpoint: path.join(out, 'supernet', 'latest'),
  seconds: { supernet: trainSeconds, search: searchSeconds, total },
};
fs.writeFileSync(path.join(out, 'best_arch.json'), JSON.stringify(record, null, 2) + '\n');
process.stdout.write(
  `\nbest of ${count} architectures: [${best.arch.join(', ')}] ` +
    `validation accuracy ${(best.accuracy * 100).toFixed(2)}% (before BN recalibration ${(best.accuracyBefore * 100).toFixed(2)}%), ` +
    `${(best.flops / 1e6).toFixed(2)} MFLOPs, ${best.params} params\n` +
    `written to ${path.relative(process.cwd(), path.join(out, 'best_arch.json'))}; wall time ${total.toFixed(0)} s ` +
    `(supernet ${trainSeconds.toFixed(0)} s, search ${searchSeconds.toFixed(0)} s)\n` +
    `train it from scratch: node dist/trial-runtime/programs/train-arch.js --space ${manifest.space} ` +
    `--supernet-options '${JSON.stringify(manifest.supernetOptions)}' --arch ${path.relative(process.cwd(), path.join(out, 'best_arch.json'))}\n`,
);
