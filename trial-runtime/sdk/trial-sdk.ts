/**
 * The trial SDK: what a trial script calls to get its parameters and report metrics.
 *
 * Under nasctl it talks to the daemon over the fd channel (NASCTL_CHANNEL_FD, local) or the file
 * channel (NASCTL_CHANNEL_DIR, clusters), transparently: the same trial code runs on both. Outside nasctl
 * it returns default parameters once and prints reports to stdout as JSON lines, so the same
 * script runs standalone. In reuse mode (NASCTL_REUSE=1) each `getNextParameters()` after the
 * first means "the previous trial is done" and the loop ends with `null`.
 */
import { mkdirSync } from 'node:fs';
import { FdChannel } from './fd-channel';
import { FileChannel } from './file-channel';
import { PROTOCOL_VERSION, TRIAL_ENV } from '../protocol/messages';
import type { DaemonToTrial, MetricMessage, MetricValue, TrialParameters, TrialToDaemon } from '../protocol/messages';

/** Trial id and experiment id reported when running outside nasctl. */
export const STANDALONE_ID = 'STANDALONE';

/** Where the SDK gets its surroundings; the defaults are the real process's. */
export interface TrialSdkOptions {
  /** Environment to read NASCTL_* from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Standalone output (default: write to process.stdout). Receives whole lines with "\n". */
  writeStdout?: (line: string) => void;
  /** Opens the channel (default `new FdChannel(fd)`); a seam for tests. */
  openChannel?: (fd: number) => FdChannel;
}

/** What the SDK needs of a channel; both transports provide it. */
export interface TrialChannel {
  send(message: TrialToDaemon): void;
  flush(): Promise<void>;
  receive(): Promise<DaemonToTrial>;
  close(): Promise<void>;
}

/**
 * One per trial process. Create it once (or use the functions in `./index`); nothing is opened
 * until the first call that needs the daemon.
 */
export class TrialSdk {
  private readonly env: NodeJS.ProcessEnv;
  private readonly writeStdout: (line: string) => void;
  private readonly openChannel: (fd: number) => FdChannel;
  private readonly channelFd: number | undefined;
  private readonly channelDir: string | undefined;
  private readonly reuse: boolean;
  private channel: TrialChannel | undefined;
  private currentTrialId: string | undefined;
  /** The current trial's folder as the daemon named it (reuse mode: from its parameters message). */
  private currentTrialDir: string | undefined;
  private requests = 0;
  private finished = false;
  private inFlight = false;

  constructor(options: TrialSdkOptions = {}) {
    this.env = options.env ?? process.env;
    this.writeStdout = options.writeStdout ?? ((line) => void process.stdout.write(line));
    this.openChannel = options.openChannel ?? ((fd) => new FdChannel(fd));
    const fdText = this.env[TRIAL_ENV.channelFd];
    const fd = fdText === undefined || fdText === '' ? undefined : Number(fdText);
    if (fd !== undefined && !(Number.isInteger(fd) && fd >= 0)) {
      throw new Error(`${TRIAL_ENV.channelFd}="${fdText}" is not a file descriptor number; unset it to run standalone`);
    }
    this.channelFd = fd;
    const dir = this.env[TRIAL_ENV.channelDir];
    this.channelDir = fd === undefined && dir !== undefined && dir !== '' ? dir : undefined;
    this.reuse = this.env[TRIAL_ENV.reuse] === '1';
    this.currentTrialId = this.reuse ? undefined : this.env[TRIAL_ENV.trialId];
    const trialDir = this.env[TRIAL_ENV.trialDir];
    this.currentTrialDir = this.reuse || trialDir === undefined || trialDir === '' ? undefined : trialDir;
  }

  /** True when launched by nasctl (a channel to the daemon exists). */
  isUnderNasctl(): boolean {
    return this.channelFd !== undefined || this.channelDir !== undefined;
  }

  /** True when this process is a reuse-mode worker that runs many trials. */
  isReuseWorker(): boolean {
    return this.isUnderNasctl() && this.reuse;
  }

  /**
   * Returns the parameters of the next trial, or `null` when there is none: always after the
   * first call outside reuse mode, and on `no_more_trials` in reuse mode (the channel is then
   * closed so the process can exit). Standalone, the first call returns `defaults` (or `{}`).
   * Throws if called again before the previous call settled, or if the channel breaks.
   */
  async getNextParameters(defaults?: TrialParameters): Promise<TrialParameters | null> {
    if (this.inFlight) throw new Error('getNextParameters() is already waiting; await it before calling again');
    this.requests += 1;
    if (this.finished) return null;
    if (!this.isUnderNasctl()) {
      if (this.requests > 1) return this.finish();
      return defaults ?? {};
    }
    if (!this.reuse && this.requests > 1) return this.finish();
    this.inFlight = true;
    try {
      const channel = this.ensureChannel();
      channel.send({ type: 'request_parameters' });
      const reply = await channel.receive();
      if (reply.type === 'no_more_trials') {
        this.currentTrialId = undefined;
        this.currentTrialDir = undefined;
        await channel.close();
        return this.finish();
      }
      this.currentTrialId = reply.trialId;
      this.currentTrialDir = reply.trialDir;
      return reply.parameters;
    } finally {
      this.inFlight = false;
    }
  }

  /** Reports an intermediate metric (e.g. per epoch) of the current trial. Throws on a non-finite value. */
  reportIntermediate(value: MetricValue): void {
    this.report('intermediate', value);
  }

  /** Reports the final metric of the current trial. Call `await flush()` before `process.exit()`. */
  reportFinal(value: MetricValue): void {
    this.report('final', value);
  }

  /** Sends a log line to the daemon (recorded with the trial); standalone it is printed. */
  log(level: 'debug' | 'info' | 'warning' | 'error', message: string): void {
    const trialId = this.currentTrialId;
    this.send(trialId === undefined ? { type: 'log', level, message } : { type: 'log', trialId, level, message });
  }

  /**
   * Resolves when everything reported so far has been written to the daemon. Node flushes
   * pending writes on a natural exit, but not on `process.exit()`: await this first.
   */
  async flush(): Promise<void> {
    if (this.channel !== undefined) await this.channel.flush();
  }

  /** Current trial id (in reuse mode: of the last parameters received); "STANDALONE" outside nasctl. */
  getTrialId(): string {
    return this.currentTrialId ?? this.env[TRIAL_ENV.trialId] ?? STANDALONE_ID;
  }

  /**
   * The current trial's own folder (checkpoints, plots, anything the trial keeps), created here if
   * it does not exist yet: in reuse mode the daemon names each trial's folder but does not create
   * it, so thousands of trials that keep nothing cost no folder. Standalone: the working
   * directory. Call after getNextParameters() under nasctl; throws before it in reuse mode, and
   * what mkdirSync throws when the folder cannot be created.
   */
  getTrialDir(): string {
    if (!this.isUnderNasctl()) return process.cwd();
    const dir = this.currentTrialDir;
    if (dir === undefined) {
      throw new Error(this.reuse
        ? 'getTrialDir() before getNextParameters(): in reuse mode the trial folder comes with the parameters'
        : `getTrialDir(): ${TRIAL_ENV.trialDir} is not set and no parameters were received yet; call getNextParameters() first`);
    }
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Experiment id; "STANDALONE" outside nasctl. */
  getExperimentId(): string {
    return this.env[TRIAL_ENV.experimentId] ?? STANDALONE_ID;
  }

  private report(kind: MetricMessage['kind'], value: MetricValue): void {
    checkMetric(value);
    if (this.isUnderNasctl() && this.currentTrialId === undefined) {
      throw new Error(`report${kind === 'final' ? 'Final' : 'Intermediate'}() before getNextParameters(): in reuse mode the trial id comes with the parameters`);
    }
    this.send({ type: 'metric', trialId: this.getTrialId(), kind, value });
  }

  private send(message: TrialToDaemon): void {
    if (!this.isUnderNasctl()) {
      this.writeStdout(JSON.stringify(message) + '\n');
      return;
    }
    this.ensureChannel().send(message);
  }

  private ensureChannel(): TrialChannel {
    if (this.channel === undefined) {
      this.channel = this.channelFd !== undefined ? this.openChannel(this.channelFd) : new FileChannel(this.channelDir!);
      this.channel.send({ type: 'hello', protocol: PROTOCOL_VERSION, sdk: 'ts', pid: process.pid });
    }
    return this.channel;
  }

  private finish(): null {
    this.finished = true;
    return null;
  }
}

function checkMetric(value: MetricValue): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`metric value ${value} is not a finite number (JSON cannot carry NaN/Infinity)`);
    return;
  }
  if (value === null || typeof value !== 'object' || typeof value.default !== 'number') {
    throw new TypeError('metric value must be a number or an object with a numeric "default" key');
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'number' || !Number.isFinite(item)) {
      throw new TypeError(`metric field "${key}" = ${String(item)} is not a finite number`);
    }
  }
}
