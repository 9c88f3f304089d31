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
 *          --tiny        the same path at a reduced size, for CI (also NASCTL_QUICKSTART_SIZE=tiny):
 *                        640 training images, 2 epochs of 10 steps, 8 architectures searched
 *                        (Evolution, population 4), 2 recalibration batches, 200 validation images
 *          --out DIR     write checkpoints and results to DIR instead of output/ (configs are
 *                        then written to DIR and point back here)
 *          --port N      port of the web UI (default 8080; 0 picks a free one)
 * Progress shows in this terminal and in the web UI the daemon serves (http://127.0.0.1:8080).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const repo = path.resolve(here, '..', '..');

function fail(message) {
  process.stderr.write(`quickstart: ${message}\n`);
  process.exit(1);
}

/** Flags and `--name value` options of argv. */
function parseArgv(argv) {
  const flags = new Set();
  const values = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' || a === '--port') {
      if (argv[i + 1] === undefined) fail(`${a} needs a value`);
      values[a.slice(2)] = argv[++i];
    } else if (a === '--keep' || a === '--search-only' || a === '--tiny') {
      flags.add(a);
    } else {
      fail(`unknown option ${a}; options: --keep, --search-only, --tiny, --out DIR, --port N`);
    }
  }
  return { flags, values };
}

const { flags: args, values } = parseArgv(process.argv.slice(2));
const sizeEnv = process.env.NASCTL_QUICKSTART_SIZE;
if (sizeEnv !== undefined && sizeEnv !== '' && sizeEnv !== 'tiny' && sizeEnv !== 'full') fail(`NASCTL_QUICKSTART_SIZE must be tiny or full, got '${sizeEnv}'`);
const tiny = args.has('--tiny') || sizeEnv === 'tiny';
const out = values.out !== undefined ? path.resolve(values.out) : path.join(here, 'output');
if (values.port !== undefined && !/^[0-9]+$/.test(values.port)) fail(`--port must be a number, got '${values.port}'`);

/** Reduced options of the tiny run, per config: trial option -> value. */
const TINY = {
  'supernet.yml': { 'train-limit': '640', 'val-limit': '200', epochs: '2', 'validation-paths': '1', 'validation-batches': '1' },
  'search.yml': { 'recal-batches': '2', 'recal-batch-size': '64', 'val-batch-size': '100', 'val-limit': '200' },
};

/** `command` with `--name value` set (replaced when present, appended otherwise). */
function withOption(command, name, value) {
  const re = new RegExp(`--${name}\\s+\\S+`);
  return re.test(command) ? command.replace(re, `--${name} ${value}`) : `${command} --${name} ${value}`;
}

/**
 * The config file to run: the committed one for the normal quickstart; for --tiny or --out, a
 * copy written to `out` whose paths point back here, output/ replaced by `out`, and (tiny) the
 * reduced sizes of TINY and a search of 8 architectures.
 */
function configFile(name) {
  if (!tiny && values.out === undefined) return path.join(here, name);
  const YAML = require('yaml');
  const config = YAML.parse(fs.readFileSync(path.join(here, name), 'utf8'));
  let command = config.trialCommand.replace(/(^|\s)output\//g, `$1${out}/`);
  if (tiny) {
    for (const [k, v] of Object.entries(TINY[name])) command = withOption(command, k, v);
    if (name === 'search.yml') {
      config.maxTrialNumber = 8;
      config.tuner.classArgs = { ...config.tuner.classArgs, populationSize: 4, selectNum: 2 };
    }
    config.maxExperimentDuration = '5m';
    config.experimentName = `${config.experimentName}-tiny`;
  }
  config.trialCommand = command;
  config.trialCodeDirectory = here;
  if (config.searchSpaceFile !== undefined) config.searchSpaceFile = path.join(here, config.searchSpaceFile);
  const file = path.join(out, `${path.basename(name, '.yml')}${tiny ? '-tiny' : ''}.yml`);
  fs.writeFileSync(file, YAML.stringify(config));
  return file;
}

function nasctl(config) {
  const started = Date.now();
  const port = values.port !== undefined ? ['--port', values.port] : [];
  const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'nasctl.js'), 'create', '--config', configFile(config), '--foreground', ...port], { stdio: 'inherit', cwd: repo });
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
if (!args.has('--keep') && !args.has('--search-only')) {
  // A directory given with --out may hold other files: only what a run writes is removed there.
  if (values.out === undefined) fs.rmSync(out, { recursive: true, force: true });
  else for (const f of ['supernet', 'best_arch.json']) fs.rmSync(path.join(out, f), { recursive: true, force: true });
}
fs.rmSync(path.join(out, 'search_results.jsonl'), { force: true });
fs.mkdirSync(out, { recursive: true });

process.stdout.write(`quickstart 1/2: training the supernet (supernet.yml${tiny ? ', tiny size' : ''})\n`);
const trainSeconds = args.has('--search-only') ? 0 : nasctl('supernet.yml');
if (!fs.existsSync(path.join(out, 'supernet', 'latest', 'manifest.json'))) fail('the supernet left no checkpoint in output/supernet/latest');
process.stdout.write(`quickstart 2/2: searching architectures (search.yml${tiny ? ', tiny size' : ''})\n`);
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
