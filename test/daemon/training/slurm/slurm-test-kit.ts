/** Test helpers for the real-Slurm tests: availability check (skips LOUDLY), suite set-ups, job listing, python trials. */
import { after } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slurmAvailable } from '../../../../daemon/training/slurm/slurm-cli';
import { makeTempDir, PYTHON_CLIENT_DIR } from '../local/recording-listener';
import { api, killDaemon, startDaemon, until, type DaemonProcess } from '../../server/daemon-process';

/**
 * True when a Slurm controller answers; prints a loud notice when it does not (the tests skip), and
 * one when it answers but no node can run jobs (the tests run, and their failures have this cause).
 */
export function requireSlurm(): boolean {
  const bar = '!'.repeat(78);
  if (!slurmAvailable()) {
    process.stderr.write(`\n${bar}\n!!! SKIPPING the real-Slurm tests: \`sinfo\` does not answer. Start the one-node cluster with\n!!!   bash ../shared/scripts/slurm-up.sh\n${bar}\n\n`);
    return false;
  }
  const states = execFileSync('sinfo', ['-h', '-N', '-o', '%N %t'], { encoding: 'utf8' }).trim().split('\n');
  if (!states.some((l) => /\s(idle|mix|alloc|comp)\S*$/.test(l))) {
    const why = execFileSync('sinfo', ['-R'], { encoding: 'utf8' });
    process.stderr.write(`\n${bar}\n!!! No Slurm node can run jobs (${states.join(', ')}); the real-Slurm tests will time out.\n!!! sinfo -R:\n${why}!!! Resume the node (scontrol update NodeName=... State=RESUME) or run .ci/slurm-ready.sh\n${bar}\n\n`);
  }
  return true;
}

/** Ids of queued jobs whose name starts with `prefix`. */
export function queuedJobs(prefix: string): string[] {
  const out = execFileSync('squeue', ['-h', '-o', '%i|%j'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim().split('|')).filter(([id, name]) => id && name?.startsWith(prefix)).map(([id]) => id!);
}

/** Cancels every job whose name starts with `prefix` (test cleanup). */
export function cancelJobs(prefix: string): void {
  const ids = queuedJobs(prefix);
  if (ids.length > 0) execFileSync('scancel', ids);
}

/** Node's path, for trial commands that run the TS SDK. */
export const NODE = process.execPath;

/**
 * Every job Slurm's controller still remembers (queued, running, and ended within MinJobAge,
 * 300 s by default) whose name starts with `prefix`, as jobId -> name. Counts submissions
 * independently of the daemon that made them.
 */
export function jobsKnownToSlurm(prefix: string): Map<string, string> {
  const out = execFileSync('scontrol', ['show', 'job', '-o'], { encoding: 'utf8' });
  const jobs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const id = /(?:^|\s)JobId=(\d+)/.exec(line)?.[1];
    const name = /(?:^|\s)JobName=(\S+)/.exec(line)?.[1];
    if (id !== undefined && name !== undefined && name.startsWith(prefix)) jobs.set(id, name);
  }
  return jobs;
}

/** Jobs in squeue whose name starts with `prefix`, with their state (PENDING, RUNNING, ...). */
export function queuedStates(prefix: string): Array<{ jobId: string; name: string; state: string }> {
  const out = execFileSync('squeue', ['-h', '-o', '%i|%j|%T'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split('|'))
    .filter(([id, name]) => id && name?.startsWith(prefix))
    .map(([jobId, name, state]) => ({ jobId: jobId!, name: name!, state: state ?? '' }));
}

/** Writes the python trial `file`: `os`, `sys`, `time` and the client (`nt`) imported, then `body` (lines). */
export function writePythonTrial(file: string, body: string[]): void {
  writeFileSync(file, ['import os, sys, time', `sys.path.insert(0, ${JSON.stringify(PYTHON_CLIENT_DIR)})`, 'import nasctl_trial as nt', ...body, ''].join('\n'));
}

/**
 * Writes a python reuse worker `root/name` whose every trial reports 0.5, then waits for the file
 * `root/release-<trial id>` before it reports its final result (the parameter `lr`); `once` ends
 * the worker after one trial. Returns the trial command.
 */
export function writeReleaseGatedWorker(root: string, name: string, once = false): string {
  writePythonTrial(join(root, name), [
    'while True:',
    '    p = nt.get_next_parameters()',
    '    if p is None:',
    '        break',
    '    nt.report_intermediate_result(0.5)',
    `    while not os.path.exists(os.path.join(${JSON.stringify(root)}, "release-" + nt.get_trial_id())):`,
    '        time.sleep(0.05)',
    '    nt.report_final_result(p["lr"])',
    ...(once ? ['    break'] : []),
  ]);
  return `python3 ${name}`;
}

/** Python lines (indented by `indent`) that append "<slurm job id> <trial id>" to `<home>/runs.txt`; read back by `recordedRuns`. */
export function recordRun(home: string, indent = ''): string[] {
  return [`${indent}with open(${JSON.stringify(join(home, 'runs.txt'))}, "a") as f:`, `${indent}    f.write("%s %s\\n" % (os.environ.get("SLURM_JOB_ID", "?"), nt.get_trial_id()))`];
}

/** The runs the trials recorded with `recordRun`, in order. */
export function recordedRuns(home: string): Array<{ jobId: string; trialId: string }> {
  const file = join(home, 'runs.txt');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [jobId, trialId] = l.split(' ');
      return { jobId: jobId!, trialId: trialId! };
    });
}

/** Waits (up to 90 s) for experiment `id` of the daemon on `port` to leave RUNNING / NO_MORE_TRIAL; resolves with its record. */
export function experimentEnd(port: number, id: string): Promise<{ status: string }> {
  return until(
    async () => {
      const e = await api<{ status: string }>(port, 'GET', `/experiments/${id}`);
      return e.status === 'RUNNING' || e.status === 'NO_MORE_TRIAL' ? undefined : e;
    },
    90_000,
    'the experiment to finish',
    200,
  );
}

/**
 * Reuse mode: the worker folder (under `workersDir`) that was handed trial `trialId`, from the
 * `trials.jsonl` lines of the workers; undefined when none names it.
 */
export function workerOfTrial(workersDir: string, trialId: string): string | undefined {
  for (const name of readdirSync(workersDir)) {
    const file = join(workersDir, name, 'trials.jsonl');
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    if (lines.some((l) => (JSON.parse(l) as { trialId: string }).trialId === trialId)) return join(workersDir, name);
  }
  return undefined;
}

/** Service options of the service-level tests: quick polls, and idle workers kept for the whole test. */
export const FAST_SERVICE = { minPollMs: 300, maxPollMs: 1000, workerIdleMs: 60_000 };

/**
 * Set-up of a `describe` of service-level tests (call it in the describe): a temp folder (with
 * `trials/`), and `newExperiment(tag)`, a fresh experiment id per test (unique: Slurm remembers
 * ended jobs for MinJobAge). After the suite, the jobs of those experiments are cancelled and the
 * folder removed.
 */
export function serviceSuite(name: string): { dir: { root: string }; newExperiment(tag: string): string } {
  const dir = makeTempDir(name);
  const experiments: string[] = [];
  after(() => {
    for (const e of experiments) cancelJobs(`nasctl-${e}-`);
    dir.remove();
  });
  return {
    dir,
    newExperiment: (tag) => {
      const id = `${tag}p${process.pid}`;
      experiments.push(id);
      return id;
    },
  };
}

/**
 * Set-up of a `describe` of daemon-crash tests (call it in the describe): a temp `home`,
 * `start()` a daemon on it, `jobPrefix(id)` the job-name prefix of experiment `id`. After the
 * suite, every daemon started is killed (SIGKILL), the jobs under the last prefix are cancelled
 * and `home` is removed.
 */
export function crashSuite(name: string): { home: string; start(): Promise<DaemonProcess>; jobPrefix(experimentId: string): string } {
  const home = mkdtempSync(join(tmpdir(), `nasctl-${name}-`));
  const daemons: DaemonProcess[] = [];
  let prefix = 'nasctl-none-';
  after(async () => {
    for (const d of daemons) await killDaemon(d, 'SIGKILL');
    cancelJobs(prefix);
    rmSync(home, { recursive: true, force: true });
  });
  return {
    home,
    start: async () => {
      const daemon = await startDaemon(home);
      daemons.push(daemon);
      return daemon;
    },
    jobPrefix: (experimentId) => {
      prefix = `nasctl-${experimentId}-`;
      return prefix;
    },
  };
}
