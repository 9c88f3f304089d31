/**
 * Slurm's command-line tools, run as child processes (`sbatch`, `squeue`, `sacct`, `scontrol`,
 * `scancel`). The only place that talks to Slurm; the parsing is in `slurm-records.ts`.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { isActiveState, parseSacct, parseScontrolJob, parseSqueue, SQUEUE_FORMAT, type FinalJobState, type QueuedJob } from './slurm-records';

/** Result of one command. Never rejects: a failure is data. */
interface CommandResult {
  ok: boolean;
  /** The command itself was not found (ENOENT). */
  missing: boolean;
  stdout: string;
  stderr: string;
}

/** Thrown (rejected) by `submit` when sbatch refuses a job; the message carries sbatch's own words. */
export class SubmitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmitError';
  }
}

/** Options: where the tools are (default: found on PATH) and per-command time limit. */
export interface SlurmCliOptions {
  /** Directory holding sbatch, squeue, ... (default: PATH). */
  binDir?: string;
  /** Kill a command that takes longer (default 60000 ms: a busy slurmctld can be slow). */
  commandTimeoutMs?: number;
  /** Hears one-off notices (e.g. that sacct cannot be used). */
  onNotice?: (line: string) => void;
}

/** One job of `squeue -o %i|%T|%j|%S|%Z`. */
export interface JobRow {
  jobId: string;
  /** PENDING, RUNNING, COMPLETING, ... */
  state: string;
  name: string;
  /** When the job started running (epoch ms); undefined while it has not (or squeue did not say). */
  startMs: number | undefined;
  /** Working directory (absolute). */
  dir: string;
}

const JOB_ROW_FORMAT = '%i|%T|%j|%S|%Z';

/**
 * Parses squeue's `%S` (StartTime, `2026-11-23T10:46:13` in the controller's local time) into
 * epoch ms. Only a job that runs (or ran) has a real start time: for a pending one squeue prints
 * an estimate or N/A, so `state` must say RUNNING/COMPLETING/SUSPENDED. Pure.
 */
export function parseStartTime(text: string | undefined, state: string): number | undefined {
  if (text === undefined || !/^(RUNNING|COMPLETING|SUSPENDED|CONFIGURING|STOPPED|SIGNALING)/.test(state)) return undefined;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text.trim())) return undefined;
  const ms = new Date(text.trim()).getTime(); // no offset: local time, as squeue prints it
  return Number.isFinite(ms) ? ms : undefined;
}

/** Rows of `squeue -h -o JOB_ROW_FORMAT`; lines without an id or a state are skipped. */
function parseJobRows(stdout: string): JobRow[] {
  const rows: JobRow[] = [];
  for (const line of stdout.split('\n')) {
    const [jobId, state, name, start, ...dir] = line.trim().split('|');
    if (jobId && state) rows.push({ jobId, state, name: name ?? '', startMs: parseStartTime(start, state), dir: dir.join('|') });
  }
  return rows;
}

/** Thin async wrapper; one per service. */
export class SlurmCli {
  private readonly binDir: string | undefined;
  private readonly timeoutMs: number;
  private readonly user = os.userInfo().username;
  /** False once sacct said accounting is disabled: scontrol is used instead. */
  private sacctWorks = true;
  private readonly onNotice: ((line: string) => void) | undefined;

  constructor(options: SlurmCliOptions = {}) {
    this.binDir = options.binDir;
    this.onNotice = options.onNotice;
    this.timeoutMs = options.commandTimeoutMs ?? 60_000;
  }

  /** Submits with `sbatch --parsable ARGS` and resolves with the job id. Rejects with SubmitError. */
  async submit(args: string[]): Promise<string> {
    const result = await this.run('sbatch', args);
    const jobId = result.stdout.trim().split(';')[0]!.split('\n').pop()!.trim();
    if (!result.ok || !/^\d+(_\d+)?$/.test(jobId)) {
      throw new SubmitError(`sbatch failed: ${(result.stderr || result.stdout).trim() || 'no output'}; check partition/account/qos/sbatchArgs in trainingService`);
    }
    return jobId;
  }

  /** Jobs of this user that Slurm still holds; undefined when squeue itself failed (try again later). */
  async queue(): Promise<Map<string, QueuedJob> | undefined> {
    const result = await this.run('squeue', ['-h', '-u', this.user, '-o', SQUEUE_FORMAT]);
    return result.ok ? parseSqueue(result.stdout) : undefined;
  }

  /** Job ids of this user's queued jobs whose name starts with `prefix`. */
  async queuedByNamePrefix(prefix: string): Promise<string[]> {
    const result = await this.run('squeue', ['-h', '-u', this.user, '-o', JOB_ROW_FORMAT]);
    if (!result.ok) return [];
    return parseJobRows(result.stdout)
      .filter((job) => job.name.startsWith(prefix))
      .map((job) => job.jobId);
  }

  /**
   * Final state of jobs that left the queue: sacct when accounting works, else (and for jobs
   * sacct does not know or still shows as active, which happens while accounting lags) `scontrol
   * show job`, which remembers ended jobs for MinJobAge (300 s by default). Once sacct is missing
   * or says "Slurm accounting storage is disabled", it is not asked again. A job neither knows is
   * absent from the result: the caller then goes by the job's exit record. Never rejects.
   */
  async finalStates(jobIds: string[]): Promise<Map<string, FinalJobState>> {
    const states = new Map<string, FinalJobState>();
    if (jobIds.length === 0) return states;
    if (this.sacctWorks) {
      const result = await this.run('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', 'JobID,State,ExitCode,Reason']);
      if (result.ok) {
        for (const [id, state] of parseSacct(result.stdout)) {
          if (jobIds.includes(id) && !isActiveState(state.state)) states.set(id, state);
        }
      } else if (result.missing || /accounting storage is disabled/i.test(result.stderr)) {
        this.sacctWorks = false;
        this.onNotice?.(`sacct ${result.missing ? 'is not installed' : 'reports that Slurm accounting storage is disabled'}; job end states come from \`scontrol show job\` and the trials' exit records`);
      }
    }
    await Promise.all(
      jobIds
        .filter((id) => !states.has(id))
        .map(async (id) => {
          const result = await this.run('scontrol', ['show', 'job', '-o', id]);
          const state = result.ok ? parseScontrolJob(result.stdout) : undefined;
          if (state !== undefined && !isActiveState(state.state)) states.set(id, state);
        }),
    );
    return states;
  }

  /** `scancel` the jobs; resolves when the command returns (the jobs may still be completing). */
  async cancel(jobIds: string[]): Promise<void> {
    if (jobIds.length > 0) await this.run('scancel', jobIds);
  }

  /**
   * Synchronous state of one job (for re-attaching at start-up, before anything else runs):
   * its queue entry (with its start time once it runs), or undefined when Slurm no longer holds it.
   */
  queuedJobSync(jobId: string): JobRow | undefined {
    try {
      const out = execFileSync(this.command('squeue'), ['-h', '-j', jobId, '-o', JOB_ROW_FORMAT], { encoding: 'utf8', timeout: this.timeoutMs, stdio: ['ignore', 'pipe', 'ignore'] });
      for (const row of parseJobRows(out)) {
        if (row.jobId === jobId) return row;
      }
    } catch {
      // unknown job id (purged) or squeue failed
    }
    return undefined;
  }

  /**
   * Synchronous: every job of this user that Slurm still holds (any state), with its name and
   * working directory (a trial's job runs with `--chdir=<trialDir>`, a reuse worker's with
   * `--chdir=<workersDir>/worker-<n>`). Used at start-up, when a restarted daemon looks for the
   * jobs of an earlier one (before anything else runs). [] when squeue fails.
   */
  queuedJobsSync(): JobRow[] {
    try {
      return parseJobRows(execFileSync(this.command('squeue'), ['-h', '-u', this.user, '-o', JOB_ROW_FORMAT], { encoding: 'utf8', timeout: this.timeoutMs, stdio: ['ignore', 'pipe', 'ignore'] }));
    } catch {
      return []; // squeue failed: nothing found
    }
  }

  private command(name: string): string {
    return this.binDir === undefined ? name : path.join(this.binDir, name);
  }

  private run(name: string, args: string[]): Promise<CommandResult> {
    return new Promise((resolve) => {
      execFile(this.command(name), args, { timeout: this.timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
        const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
        resolve({ ok: error === null, missing, stdout, stderr: stderr || (error?.message ?? '') });
      });
    });
  }
}

/**
 * True when a Slurm controller answers (`sinfo` succeeds and lists a partition). Used by tests
 * and benchmarks to skip loudly where no cluster exists.
 */
export function slurmAvailable(binDir?: string): boolean {
  try {
    const out = execFileSync(binDir === undefined ? 'sinfo' : path.join(binDir, 'sinfo'), ['-h', '-o', '%P'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() !== '';
  } catch {
    return false;
  }
}
