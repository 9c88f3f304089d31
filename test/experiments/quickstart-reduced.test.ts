import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Repository root (this test runs from dist/test/experiments). */
const REPO = path.resolve(__dirname, '..', '..', '..');

/** Runs `node run.js args` with `env`; resolves with its exit code and output, rejects after `ms`. */
function runQuickstart(args: string[], env: NodeJS.ProcessEnv, ms: number): Promise<{ code: number | null; output: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(REPO, 'experiments', 'quickstart', 'run.js'), ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`the tiny quickstart did not finish within ${ms / 1000} s; output so far:\n${output.slice(-3000)}`));
    }, ms);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output, seconds: (Date.now() - started) / 1000 }); });
  });
}

test('the quickstart runs end to end at the tiny size: supernet checkpoints, 8 searched architectures, best arch written and printed', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-quickstart-tiny-'));
  try {
    const out = path.join(tmp, 'out');
    const r = await runQuickstart(['--out', out, '--port', '0'], { NASCTL_HOME: path.join(tmp, 'home'), NASCTL_QUICKSTART_SIZE: 'tiny' }, 120_000);
    assert.equal(r.code, 0, r.output.slice(-3000));
    process.stdout.write(`# tiny quickstart took ${r.seconds.toFixed(1)} s\n`);
    for (const d of ['epoch_001', 'epoch_002', 'latest']) assert.ok(fs.existsSync(path.join(out, 'supernet', d, 'manifest.json')), `checkpoint ${d}`);
    const results = fs.readFileSync(path.join(out, 'search_results.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    assert.equal(results.length, 8);
    const best = JSON.parse(fs.readFileSync(path.join(out, 'best_arch.json'), 'utf8')) as { arch: number[]; accuracy: number; evaluated: number; space: string };
    assert.equal(best.space, 'spos-cpu');
    assert.equal(best.evaluated, 8);
    assert.equal(best.arch.length, 5);
    assert.ok(best.accuracy >= 0 && best.accuracy <= 1);
    const maxAcc = Math.max(...results.map((l) => (JSON.parse(l) as { accuracy: number }).accuracy));
    assert.equal(best.accuracy, maxAcc);
    assert.match(r.output, /best of 8 architectures: \[\d, \d, \d, \d, \d\]/);
    assert.match(r.output, /tiny size/);
    // The committed configs and the default output folder are untouched by a run with --out.
    assert.ok(!fs.existsSync(path.join(REPO, 'experiments', 'quickstart', 'supernet-tiny.yml')));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('run.js rejects an unknown option and a bad NASCTL_QUICKSTART_SIZE with a message', async () => {
  const bad = await runQuickstart(['--bogus'], {}, 30_000);
  assert.equal(bad.code, 1);
  assert.match(bad.output, /unknown option --bogus/);
  const size = await runQuickstart(['--tiny'], { NASCTL_QUICKSTART_SIZE: 'huge' }, 30_000);
  assert.equal(size.code, 1);
  assert.match(size.output, /NASCTL_QUICKSTART_SIZE must be tiny or full/);
});
