/**
 * bench/slurm: trial throughput and per-trial overhead through Slurm (spawn and reuse mode) on
 * the one-node test cluster, with the local training service's reuse mode measured in the same
 * run as the reference.
 *
 *   node dist/bench/slurm/slurm-bench.js [--spawn-trials 20] [--reuse-trials 2000] [--local-trials 2000] [--concurrency 2] [--skip-spawn]
 *
 * `--skip-spawn` leaves out the spawn-mode scenario (about 30 s of sbatch latency) when only the
 * reuse-mode ratio is wanted, e.g. under `node --cpu-prof`. Both reuse scenarios run the same
 * number of trials by default, so the JIT's warm-up weighs the same in both.
 *
 * No-op trials (a python worker that reports one final metric per trial, the same file for every
 * scenario) run through the real daemon core (experiment manager, SQLite store, training service,
 * protocol). Per-trial overhead = wall time × concurrency / trials: the slot time one trial costs
 * when the trial itself does nothing. Reuse mode also gets a steady-state figure, leaving out the
 * first trial of each worker (which pays for the worker job's start). Prints a table, the ratio
 * "Slurm reuse / local reuse per-trial overhead" against the goal (≤ 2×) and a JSON line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExperimentManager } from '../../daemon/manager/experiment-manager';
import { builtinTuners } from '../../tuners/registry';
import { createTrainingService } from '../../daemon/server/create-training-service';
import { slurmAvailable } from '../../daemon/training/slurm/slurm-cli';
import { overheadFigure, type OverheadFigure } from './overhead-figure';

const SPACE = { a: { _type: 'choice', _value: [1, 2, 3, 4] }, b: { _type: 'randint', _value: [0, 1000000] } };
const PY_DIR = join(__dirname, '..', '..', '..', 'trial-runtime', 'python');

/** One scenario: an experiment of `trials` no-op trials on `trainingService`. */
async function runScenario(name: string, trials: number, concurrency: number, trialCommand: string, trainingService: Record<string, unknown>): Promise<OverheadFigure> {
  const home = mkdtempSync(join(tmpdir(), 'nasctl-slurm-bench-'));
  const manager = new ExperimentManager({ home, tuners: builtinTuners(), createTrainingService, log: () => {} });
  try {
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand, trialCodeDirectory: home, trialConcurrency: concurrency, maxTrialNumber: trials, tuner: { name: 'random' }, trainingService },
      home,
    );
    const rec = await manager.whenSettled(id);
    const t1 = Date.now();
    const cpu = process.cpuUsage(cpu0);
    const counts = manager.getExperiment(id).trialCounts;
    if (rec.status !== 'DONE' || counts.SUCCEEDED !== trials) throw new Error(`${name}: experiment ended ${rec.status} with ${JSON.stringify(counts)}`);
    const ends = manager.listTrials(id, { limit: Math.min(trials + 10, 10_000) }).items.map((t) => t.endedAt ?? t1);
    return overheadFigure({ name, trials, concurrency, startMs: t0, endMs: t1, trialEndsMs: ends, daemonCpuMs: (cpu.user + cpu.system) / 1000 });
  } finally {
    await manager.shutdown();
    rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'spawn-trials': { type: 'string', default: '20' },
      'reuse-trials': { type: 'string', default: '2000' },
      'local-trials': { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '2' },
      'skip-spawn': { type: 'boolean', default: false },
    },
  });
  if (!slurmAvailable()) {
    console.error('slurm-bench: `sinfo` does not answer; start the one-node cluster with `bash ../shared/scripts/slurm-up.sh`');
    process.exit(2);
  }
  const concurrency = Number(values.concurrency);
  const work = mkdtempSync(join(tmpdir(), 'nasctl-slurm-bench-work-'));
  const worker = join(work, 'worker.py');
  // The same no-op trial everywhere: a loop that also ends after one trial in spawn mode.
  writeFileSync(
    worker,
    `import sys, os\nsys.path.insert(0, ${JSON.stringify(PY_DIR)})\nimport nasctl_trial as nt\nwhile True:\n    p = nt.get_next_parameters()\n    if p is None:\n        break\n    nt.report_final_result(p["b"] / 1000000.0)\n    if os.environ.get("NASCTL_REUSE") != "1":\n        break\n`,
  );
  const command = `python3 ${worker}`;
  const slurm = { platform: 'slurm', cpusPerTrial: 1 };
  let scenarios: Scenarios;
  try {
    const local = await runScenario('local reuse mode (reference)', Number(values['local-trials']), concurrency, command, { platform: 'local', reuseMode: true });
    const spawn = values['skip-spawn'] === true ? undefined : await runScenario('Slurm spawn mode (one sbatch per trial)', Number(values['spawn-trials']), concurrency, command, { ...slurm, reuseMode: false });
    const reuse = await runScenario('Slurm reuse mode (worker jobs)', Number(values['reuse-trials']), concurrency, command, { ...slurm, reuseMode: true });
    scenarios = { local, spawn, reuse };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  printTable(scenarios);
}

/** The figures of one run; `spawn` is undefined under `--skip-spawn`. */
interface Scenarios {
  local: OverheadFigure;
  spawn: OverheadFigure | undefined;
  reuse: OverheadFigure;
}

function printTable({ local, spawn, reuse }: Scenarios): void {
  const figures = spawn === undefined ? [local, reuse] : [local, spawn, reuse];
  const pad = (s: string, n: number) => s.padEnd(n);
  const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));
  console.log(`${pad('scenario', 42)} ${pad('trials', 7)} ${pad('seconds', 8)} ${pad('trials/s', 9)} ${pad('overhead ms/trial', 18)} ${pad('steady ms/trial', 16)} daemon CPU ms/trial`);
  for (const f of figures) {
    console.log(`${pad(f.name, 42)} ${pad(String(f.trials), 7)} ${pad(f.seconds.toFixed(2), 8)} ${pad(f.trialsPerSecond.toFixed(1), 9)} ${pad(ms(f.overheadMsPerTrial), 18)} ${pad(ms(f.steadyOverheadMsPerTrial), 16)} ${f.daemonCpuMsPerTrial.toFixed(3)}`);
  }
  const ratio = (reuse.steadyOverheadMsPerTrial ?? reuse.overheadMsPerTrial) / (local.steadyOverheadMsPerTrial ?? local.overheadMsPerTrial);
  const ratioAll = reuse.overheadMsPerTrial / local.overheadMsPerTrial;
  console.log(`slurm reuse / local reuse per-trial overhead: ${ratio.toFixed(1)}× steady state, ${ratioAll.toFixed(1)}× including worker starts (goal: within 2×) ${ratio <= 2 ? 'MET' : 'NOT MET'}`);
  if (spawn !== undefined) console.log(`slurm spawn / slurm reuse per-trial overhead: ${(spawn.overheadMsPerTrial / reuse.overheadMsPerTrial).toFixed(1)}×`);
  console.log(JSON.stringify({ figures, slurmReuseVsLocalReuse: ratio, slurmReuseVsLocalReuseAll: ratioAll }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
