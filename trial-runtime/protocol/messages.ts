/**
 * The trial protocol: typed messages between the daemon and a trial process.
 *
 * Transport (local): one JSON object per line on file descriptor 3 (a bidirectional socket
 * pair set up by the daemon). Transport (cluster): files in the trial directory. The same
 * message types travel on both. This module is the single definition imported by the daemon,
 * the trial SDK and the web UI.
 */

/** Version of the message set; sent in `hello`. Bumped on incompatible changes. */
export const PROTOCOL_VERSION = 1;

/** A metric value: a number, or a dict whose `default` key is the number tuners optimise. */
export type MetricValue = number | { default: number; [key: string]: number };

/** Parameters of one trial: search-space key -> chosen value (NNI's shape). */
export type TrialParameters = Record<string, ParameterValue>;

/** A chosen value: a plain value (choice/numeric) or NNI's `{_value, _idx}` for layer/input choices. */
export type ParameterValue =
  | string
  | number
  | boolean
  | null
  | { _value: string | string[] | number | number[]; _idx: number | number[] }
  | ParameterValue[]
  | { [key: string]: ParameterValue };

// ---------------------------------------------------------------- trial -> daemon

/** First message a trial may send; optional. */
export interface HelloMessage {
  type: 'hello';
  protocol: number;
  /** Which client: 'ts', 'python', or any name of a third-party client. */
  sdk: string;
  pid: number;
}

/**
 * The trial asks for (next) parameters. In spawn mode it is answered once with the trial's
 * parameters. In reuse mode, a request after the first also means "the previous trial is done";
 * it is answered with the next trial's parameters or with `no_more_trials`.
 */
export interface RequestParametersMessage {
  type: 'request_parameters';
}

/** An intermediate or final metric of the trial `trialId`. */
export interface MetricMessage {
  type: 'metric';
  trialId: string;
  kind: 'intermediate' | 'final';
  value: MetricValue;
}

/** A log line the trial wants recorded (also visible in the trial's log file). */
export interface LogMessage {
  type: 'log';
  trialId?: string;
  level: 'debug' | 'info' | 'warning' | 'error';
  message: string;
}

/** The trial reports an error that ends it (it may still exit non-zero afterwards). */
export interface TrialErrorMessage {
  type: 'error';
  trialId?: string;
  message: string;
  stack?: string;
}

/** Reuse mode: the worker finished trial `trialId` (optional; the next request implies it). */
export interface TrialDoneMessage {
  type: 'trial_done';
  trialId: string;
}

export type TrialToDaemon =
  | HelloMessage
  | RequestParametersMessage
  | MetricMessage
  | LogMessage
  | TrialErrorMessage
  | TrialDoneMessage;

// ---------------------------------------------------------------- daemon -> trial

/** Parameters for one trial. In reuse mode a worker receives many, one at a time. */
export interface ParametersMessage {
  type: 'parameters';
  trialId: string;
  /** Trial sequence number within the experiment (0-based). */
  sequence: number;
  parameters: TrialParameters;
  /** Absolute directory of this trial (differs per trial in reuse mode). */
  trialDir: string;
}

/** Reuse mode: no more trials for this worker; it should exit 0. */
export interface NoMoreTrialsMessage {
  type: 'no_more_trials';
}

export type DaemonToTrial = ParametersMessage | NoMoreTrialsMessage;

/** Environment variables set for every trial process. */
export const TRIAL_ENV = {
  experimentId: 'NASCTL_EXPERIMENT_ID',
  trialId: 'NASCTL_TRIAL_ID',
  trialDir: 'NASCTL_TRIAL_DIR',
  sequence: 'NASCTL_TRIAL_SEQUENCE',
  /** File descriptor number of the channel ("3"); absent when run outside nasctl. */
  channelFd: 'NASCTL_CHANNEL_FD',
  /** "1" in reuse mode (the process is a long-lived worker). */
  reuse: 'NASCTL_REUSE',
  /** Set by `nasctl ss_gen`: path where the trial's supernet writes its search space, then exits. */
  genSearchSpace: 'NASCTL_GEN_SEARCH_SPACE',
  /** Cluster transport: directory of the file channel (instead of fd 3). */
  channelDir: 'NASCTL_CHANNEL_DIR',
} as const;
