/**
 * Reuse mode after a daemon restart (or a daemon killed even with SIGKILL): finds the worker
 * jobs an earlier daemon left in Slurm (by their working directory, `<workersDir>/worker-<n>`),
 * adopts them into the pool from what their folders record (see `slurm-worker-records.ts`), and
 * re-attaches each trial that was RUNNING to the worker that holds it, so the trial finishes
 * once (not re-run) and the worker goes on taking trials instead of a new worker job being
 * submitted. Owned by SlurmTrainingService.
 */
import * as path from 'node:path';
import type { TrainingServiceListener } from '../training-service';
import type { JobRow, SlurmCli } from './slurm-cli';
import { recordJobId } from './slurm-job';
import { jobNamePrefix } from './slurm-job-script';
import { isActiveState } from './slurm-records';
import type { SlurmWorkerPool } from './slurm-worker-pool';
import { readWorkerRecord, workerFolders, type WorkerRecord } from './slurm-worker-records';
import { channelOffset, serviceStateOf } from './channel-offset';

/** What the re-attacher needs from its service. */
export interface WorkerReattachHost {
  cli: SlurmCli;
  pool: SlurmWorkerPool;
  listener(): TrainingServiceListener;
  log(line: string): void;
  /** Heard with the experiment id found in an adopted worker's job name. */
  onExperimentId(experimentId: string): void;
  /** An adopted worker job is followed: poll Slurm soon. */
  kick(): void;
  /** The folder of the experiment's worker folders. */
  workersDir(experimentId: string, trialDir: string): string;
}

/** One per reuse-mode service. */
export class WorkerReattach {
  private readonly host: WorkerReattachHost;
  /** Worker parents already searched for live worker jobs. */
  private readonly searched = new Set<string>();
  /** Job ids of adopted workers (never cancelled as leftovers). */
  private readonly adoptedJobIds = new Set<string>();
  /** Whether `beforeFirstSubmission` ran. */
  private leftoversCancelled = false;
  /**
   * Worker folders read since the restart, by folder: re-attaching runs synchronously at
   * start-up, before any adopted channel is read, so a folder's record does not change meanwhile.
   */
  private readonly records = new Map<string, WorkerRecord | undefined>();
  /** Per worker parent: which folder gave each trial of its last two replies. */
  private readonly folderOfTrial = new Map<string, Map<string, string>>();

  constructor(host: WorkerReattachHost) {
    this.host = host;
  }

  /**
   * Called before every submission of the service; acts once. Adopts the live workers in
   * `parent` (unless `reattach` did), then cancels the experiment's other worker jobs that an
   * earlier daemon left and that could not be adopted (their folder is elsewhere or unreadable):
   * they would wait for a trial forever and hold their allocation, since nobody writes to their
   * channel any more. Synchronous (one squeue); before this service submitted anything, so its
   * own jobs cannot be among them.
   */
  beforeFirstSubmission(parent: string, experimentId: string): void {
    if (this.leftoversCancelled) return;
    this.leftoversCancelled = true;
    const jobs = this.host.cli.queuedJobsSync();
    this.adoptFrom(parent, jobs);
    const prefix = jobNamePrefix(experimentId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^${prefix}w\\d+$`);
    const left = jobs.filter((job) => pattern.test(job.name) && !this.adoptedJobIds.has(job.jobId)).map((job) => job.jobId);
    if (left.length === 0) return;
    this.host.log(`cancelling ${left.length} reuse worker job(s) left by an earlier daemon: ${left.join(', ')}`);
    void this.host.cli.cancel(left);
  }

  /**
   * Re-attaches trial `trialId` (RUNNING when the earlier daemon stopped) to the worker whose
   * folder's last two replies name it (the experiment's workers folder is found from `trialDir`,
   * `<experimentDir>/trials/<trialId>`), after adopting (once per workers folder) every worker
   * job of this user that Slurm still holds (pending or running) whose working directory is a
   * `worker-<n>` folder there; a job whose folder cannot be read is left alone (cancelled as a
   * leftover before the first submission). True (events follow as for a started trial) when: a
   * live worker holds it; its end was already read by the earlier daemon (it finishes at once,
   * exit 0); or the worker job ended while no daemon ran but the trial completed (a later
   * request, `trial_done`, or exit record 0 after it), then its unread messages and its end are
   * delivered. False when the trial never reached a worker or its worker died during it: the
   * caller re-runs it. Synchronous (one squeue per workers folder).
   */
  reattach(trialId: string, trialDir: string): boolean {
    const parent = this.host.workersDir(path.basename(path.resolve(trialDir, '..', '..')), trialDir);
    if (!this.searched.has(parent)) this.adoptFrom(parent, this.host.cli.queuedJobsSync());
    if (this.host.pool.claim(trialId)) {
      this.host.log(`re-attached trial ${trialId} to its reuse worker in ${parent}`);
      return true;
    }
    const workerDir = this.folderOf(parent, trialId);
    if (workerDir === undefined) return false; // never handed to a worker
    const record = this.recordOf(workerDir);
    if (record === undefined || !record.replyOf.has(trialId)) return false;
    if (record.endedBeforeOffset.has(trialId)) {
      // The earlier daemon read its end (and its metrics) but may have died before recording it.
      queueMicrotask(() => this.host.listener().onExit({ trialId, cause: 'exited', exitCode: 0 }));
      this.host.log(`trial ${trialId} had finished on its reuse worker (${workerDir}) before the restart`);
      return true;
    }
    if (this.host.pool.adopted(workerDir)) return false; // a live worker that moved on without this trial's end: inconsistent, re-run it
    const completed = record.endedInFile.has(trialId) || (record.holding?.trialId === trialId && record.exitRecord === 0);
    if (!completed || record.jobId === undefined) return false;
    // The worker job ended while no daemon ran, after finishing the trial: deliver what is unread, then its end.
    this.host.pool.adopt(record, record.jobId, false);
    this.host.kick();
    const claimed = this.host.pool.claim(trialId);
    if (claimed) this.host.log(`re-attached trial ${trialId} to its ended reuse worker (Slurm job ${record.jobId}) to read its results`);
    return claimed;
  }

  /** Adopts, once per `parent`, the live jobs of `jobs` (squeue's listing) that run in a `worker-<n>` folder of `parent`. */
  private adoptFrom(parent: string, jobs: JobRow[]): void {
    if (this.searched.has(parent)) return;
    this.searched.add(parent);
    for (const job of jobs) {
      if (path.dirname(job.dir) !== parent || !isActiveState(job.state) || this.host.pool.adopted(job.dir)) continue;
      const record = this.recordOf(job.dir);
      if (record === undefined) continue;
      if (record.jobId !== job.jobId) writeJobId(job.dir, job.jobId); // the earlier daemon died before recording sbatch's answer
      const experiment = /^nasctl-(.+)-w\d+$/.exec(job.name)?.[1];
      if (experiment !== undefined) this.host.onExperimentId(experiment);
      this.host.pool.adopt(record, job.jobId, true, job.startMs);
      this.adoptedJobIds.add(job.jobId);
      this.host.log(`adopted reuse worker ${record.id} (Slurm job ${job.jobId}, ${job.state}) left by an earlier daemon${record.holding === undefined ? '' : `; it holds trial ${record.holding.trialId}`}`);
    }
    this.host.kick();
  }

  private recordOf(dir: string): WorkerRecord | undefined {
    if (!this.records.has(dir)) this.records.set(dir, readWorkerRecord(dir, channelOffset(dir, serviceStateOf(this.host.listener())).load()));
    return this.records.get(dir);
  }

  private folderOf(parent: string, trialId: string): string | undefined {
    let map = this.folderOfTrial.get(parent);
    if (map === undefined) {
      map = new Map();
      for (const dir of workerFolders(parent)) {
        for (const id of this.recordOf(dir)?.replyOf.keys() ?? []) map.set(id, dir);
      }
      this.folderOfTrial.set(parent, map);
    }
    return map.get(trialId);
  }
}

function writeJobId(dir: string, jobId: string): void {
  try {
    recordJobId(dir, jobId);
  } catch {
    // best effort: squeue finds it by its folder again next time
  }
}
