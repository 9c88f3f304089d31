/**
 * bench/dispatch: trial dispatch throughput of the real daemon core (experiment manager, SQLite
 * store, local training service, fd-3 protocol), beside bare ceilings measured in the same run.
 *
 *   node dist/bench/dispatch/dispatch.js [--reuse-trials 10000] [--spawn-trials 2000] [--concurrency 2] [--sleep-trials 20] [--ballast-mb 500]
 *
 * Prints one table and a JSON line with every figure. Spawn mode runs twice: as is, and with the
 * bench process (the daemon) holding `--ballast-mb` of touched memory, which is what makes a
 * fork from the daemon slow. NASCTL_SPAWNER=0 in the environment measures direct spawns,
 * NASCTL_SPAWNER=node the Node spawner in place of the native one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExperimentManager } from '../../daemon/manager/experiment-manager';
import { builtinTuners } from '../../tuners/registry';
import { createTrainingService } from '../../daemon/server/create-training-service';
import { chooseNativeSpawner } from '../../daemon/training/local/spawner-client';
import { bareReuseCeiling, bareSpawnCeiling, mkdirCpuMicros } from './bare-ceilings';

const SPACE = { a: { _type: 'choice', _value: [1, 2, 3, 4] }, b: { _type: 'randint', _value: [0, 1000000] } };
const PY_DIR = join(__dirname, '..', '..', '..', 'trial-runtime', 'python');

interface Figure {
  name: string;
  trials: number;
  seconds: number;
  trialsPerSecond: number;
  daemonCpuMsPerTrial?: number;
  /** CPU time of the event-loop thread alone (the daemon's bottleneck), per trial. */
  eventLoopCpuMsPerTrial?: number;
  /** CPU time of the spawner process (it forks the trials, on another core), per trial. */
  spawnerCpuMsPerTrial?: number;
  /** Resident set of the spawner process at the end of the scenario (MB). */
  spawnerRssMb?: number;
}

/** utime + stime (ms) from a /proc `stat` file (fields after the command name; USER_HZ = 100/s). Throws when it cannot be read. */
function procCpuMs(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU time (ms) of this process's main thread, from /proc (Linux); undefined elsewhere. */
function mainThreadCpuMs(): number | undefined {
  try {
    return procCpuMs(`/proc/self/task/${process.pid}/stat`);
  } catch {
    return undefined;
  }
}

/** CPU time (ms) and resident set (MB) of our live spawner processes (children running spawner-main.js), from /proc (Linux). */
function spawnerUsage(): { cpuMs: number; rssMb: number } {
  const total = { cpuMs: 0, rssMb: 0 };
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter((pid) => pid !== '');
  } catch {
    return total;
  }
  for (const pid of children) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('spawner-main') && !cmdline.includes('nasctl-spawner')) continue;
      total.cpuMs += procCpuMs(`/proc/${pid}/stat`);
      const rssKb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (rssKb !== undefined) total.rssMb += Number(rssKb) / 1024;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Experiment homes, deleted only after every scenario ran: deleting 10,000 trial folders makes
 * the file system slow for a while (ext4 journal, discard), which would bias the next scenario. */
const homes: string[] = [];

async function runExperiment(name: string, trials: number, concurrency: number, trialCommand: string, reuseMode: boolean): Promise<Figure> {
  const home = mkdtempSync(join(tmpdir(), 'nasctl-bench-'));
  homes.push(home);
  const manager = new ExperimentManager({ home, tuners: builtinTuners(), createTrainingService, log: () => {} });
  try {
    const cpu0 = process.cpuUsage();
    const loop0 = mainThreadCpuMs();
    const t0 = process.hrtime.bigint();
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand, trialConcurrency: concurrency, maxTrialNumber: trials, tuner: { name: 'random' }, trainingService: { platform: 'local', reuseMode } },
      home,
    );
    const rec = await manager.whenSettled(id);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const loop1 = mainThreadCpuMs();
    // The spawner starts with the experiment's first trial and ends at shutdown: read it before.
    const spawner = spawnerUsage();
    const counts = manager.getExperiment(id).trialCounts;
    if (rec.status !== 'DONE' || counts.SUCCEEDED !== trials) throw new Error(`${name}: experiment ended ${rec.status} with ${JSON.stringify(counts)}`);
    const figure: Figure = { name, trials, seconds, trialsPerSecond: trials / seconds, daemonCpuMsPerTrial: (cpu.user + cpu.system) / 1000 / trials };
    if (loop0 !== undefined && loop1 !== undefined) figure.eventLoopCpuMsPerTrial = (loop1 - loop0) / trials;
    if (spawner.cpuMs > 0) figure.spawnerCpuMsPerTrial = spawner.cpuMs / trials;
    if (spawner.rssMb > 0) figure.spawnerRssMb = spawner.rssMb;
    return figure;
  } finally {
    await manager.shutdown();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'reuse-trials': { type: 'string', default: '10000' },
      'spawn-trials': { type: 'string', default: '2000' },
      'sleep-trials': { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '2' },
      'ballast-mb': { type: 'string', default: '500' },
    },
  });
  const ballastMb = Number(values['ballast-mb']);
  const reuseTrials = Number(values['reuse-trials']);
  const spawnTrials = Number(values['spawn-trials']);
  const sleepTrials = Number(values['sleep-trials']);
  const concurrency = Number(values.concurrency);
  const work = mkdtempSync(join(tmpdir(), 'nasctl-bench-work-'));
  const worker = join(work, 'worker.py');
  writeFileSync(
    worker,
    `import sys\nsys.path.insert(0, ${JSON.stringify(PY_DIR)})\nimport nasctl_trial as nt\nwhile True:\n    p = nt.get_next_parameters()\n    if p is None:\n        break\n    nt.report_final_result(p["b"] / 1000000.0)\n`,
  );
  const shTrial = `printf '{"type":"metric","trialId":"%s","kind":"final","value":1}\\n' "$NASCTL_TRIAL_ID" >&3`;
  const figures: Figure[] = [];
  try {
    // The disk's state decides what each trial folder costs: measured before and after.
    const mkdirBefore = mkdirCpuMicros(1000);
    figures.push(await bareReuseCeiling(reuseTrials, concurrency));
    figures.push(await runExperiment('nasctl reuse mode (python workers)', reuseTrials, concurrency, `python3 ${worker}`, true));
    figures.push(await bareSpawnCeiling(spawnTrials, concurrency));
    figures.push(await runExperiment('nasctl spawn mode (sh trial)', spawnTrials, concurrency, shTrial, false));
    figures.push(await bareSpawnCeiling(spawnTrials, concurrency, true));
    const sleep = await runExperiment('nasctl spawn, 1-second trials', sleepTrials, concurrency, `sleep 1; ${shTrial}`, false);
    const ideal = Math.ceil(sleepTrials / concurrency) * 1.0;
    figures.push(sleep);
    if (ballastMb > 0) {
      const ballast = touchedBallast(ballastMb);
      const rssMb = Math.round(process.memoryUsage().rss / 1e6);
      figures.push(await runExperiment(`nasctl spawn mode, daemon holding ${ballastMb} MB (RSS ${rssMb} MB)`, spawnTrials, concurrency, shTrial, false));
      ballast.length = 0;
    }
    const mkdirAfter = mkdirCpuMicros(1000);
    printTable(figures, { efficiency1s: ideal / sleep.seconds, ideal1s: ideal, mkdirMicros: [mkdirBefore, mkdirAfter] });
  } finally {
    rmSync(work, { recursive: true, force: true });
    for (const h of homes) rmSync(h, { recursive: true, force: true });
    // Let the kernel write back this run's thousands of deleted folders now, not during the next run.
    execFileSync('sync');
  }
}

/** `mb` MiB of buffers with every page written, so they count in the resident set. */
function touchedBallast(mb: number): Buffer[] {
  const buffers: Buffer[] = [];
  for (let i = 0; i < mb; i++) buffers.push(Buffer.alloc(1 << 20, (i % 255) + 1));
  return buffers;
}

function printTable(figures: Figure[], extra: { efficiency1s: number; ideal1s: number; mkdirMicros: [number, number] }): void {
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`${pad('scenario', 44)} ${pad('trials', 7)} ${pad('seconds', 8)} ${pad('trials/s', 9)} ${pad('daemon CPU ms/trial', 20)} ${pad('event-loop CPU ms/trial', 24)} ${pad('spawner CPU ms/trial', 21)} spawner RSS MB`);
  for (const f of figures) {
    console.log(`${pad(f.name, 44)} ${pad(String(f.trials), 7)} ${pad(f.seconds.toFixed(2), 8)} ${pad(f.trialsPerSecond.toFixed(0), 9)} ${pad(f.daemonCpuMsPerTrial?.toFixed(3) ?? '-', 20)} ${pad(f.eventLoopCpuMsPerTrial?.toFixed(3) ?? '-', 24)} ${pad(f.spawnerCpuMsPerTrial?.toFixed(3) ?? '-', 21)} ${f.spawnerRssMb?.toFixed(0) ?? '-'}`);
  }
  const reuse = figures[1]!.trialsPerSecond / figures[0]!.trialsPerSecond;
  const spawn = figures[3]!.trialsPerSecond / figures[2]!.trialsPerSecond;
  const spawnWithFiles = figures[3]!.trialsPerSecond / figures[4]!.trialsPerSecond;
  const launcher =
    process.env['NASCTL_SPAWNER'] === '0'
      ? 'direct spawns from the daemon (NASCTL_SPAWNER=0)'
      : chooseNativeSpawner({ log: () => {} }) !== undefined
        ? 'the native spawner (posix_spawn; NASCTL_SPAWNER=node for the Node one)'
        : 'the Node spawner';
  console.log(
    `reuse mode: ${(reuse * 100).toFixed(0)}% of the bare ceiling; spawn mode: ${(spawn * 100).toFixed(0)}% of the bare ceiling, ${(spawnWithFiles * 100).toFixed(0)}% of the one with a trial folder and its files; processes started by ${launcher}`,
  );
  console.log(`1-second trials: efficiency ${(extra.efficiency1s * 100).toFixed(1)}% (ideal ${extra.ideal1s.toFixed(1)} s)`);
  console.log(`CPU of one mkdir in ${tmpdir()} (every trial folder costs one): ${extra.mkdirMicros[0].toFixed(0)} µs before the scenarios, ${extra.mkdirMicros[1].toFixed(0)} µs after`);
  console.log(JSON.stringify({ figures, reuseVsCeiling: reuse, spawnVsCeiling: spawn, spawnVsCeilingWithFiles: spawnWithFiles, efficiency1s: extra.efficiency1s, mkdirCpuMicros: extra.mkdirMicros }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
