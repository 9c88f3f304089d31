/**
 * Reuse mode after a daemon restart (or a daemon killed even with SIGKILL): finds the worker
 * jobs an earlier daemon left in Slurm (by their working directory, `<workersDir>/worker-<n>`),
 * adopts them into the pool from what their folders record (see `slurm-worker-records.ts`), and
 * re-attaches each trial that was RUNNING to the worker that holds it, so the trial finishes
 * once (not re-run) and the worker goes on taking trials instead of a new worker job being
 * submitted. Owned by SlurmTrainingService.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TrainingServiceListener } from '../training-service';
import type { SlurmCli } from './slurm-cli';
import { JOB_ID_FILE } from './slurm-job-script';
import type { SlurmWorkerPool } from './slurm-worker-pool';
import { readWorkerRecord, workerFolders, type WorkerRecord } from './slurm-worker-records';

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
  readonly adoptedJobIds = new Set<string>();
  /** Per worker parent: which folder gave each trial of its last two replies (read once per restart). */
  private readonly folderOfTrial = new Map<string, Map<string, string>>();

  constructor(host: WorkerReattachHost) {
    this.host = host;
  }

  /**
   * Adopts, once per `parent`, every worker job of this user that Slurm still holds (pending or
   * running) whose working directory is a `worker-<n>` folder in `parent`. Called before the
   * service's first submission and by `reattach`; synchronous (one squeue). A job whose folder
   * cannot be read is left alone (the service cancels it as a leftover).
   */
  adoptLive(parent: string): void {
    if (this.searched.has(parent)) return;
    this.searched.add(parent);
    for (const job of this.host.cli.queuedJobsInDirSync(parent)) {
      if (this.host.pool.adopted(job.dir)) continue;
      const record = readWorkerRecord(job.dir);
      if (record === undefined) continue;
      if (record.jobId !== job.jobId) writeJobId(job.dir, job.jobId); // the earlier daemon died before recording sbatch's answer
      const experiment = /^nasctl-(.+)-w\d+$/.exec(job.name)?.[1];
      if (experiment !== undefined) this.host.onExperimentId(experiment);
      this.host.pool.adopt(record, job.jobId, true);
      this.adoptedJobIds.add(job.jobId);
      this.host.log(`adopted reuse worker ${record.id} (Slurm job ${job.jobId}, ${job.state}) left by an earlier daemon${record.holding === undefined ? '' : `; it holds trial ${record.holding.trialId}`}`);
    }
    this.host.kick();
  }

  /**
   * Re-attaches trial `trialId` (RUNNING when the earlier daemon stopped) to the worker whose
   * folder's last two replies name it (the experiment's workers folder is found from `trialDir`,
   * `<experimentDir>/trials/<trialId>`). True (events follow as for a started trial) when: a live worker holds
   * it; its end was already read by the earlier daemon (it finishes at once, exit 0); or the
   * worker job ended while no daemon ran but the trial completed (a later request, `trial_done`,
   * or exit record 0 after it), then its unread messages and its end are delivered. False when
   * the trial never reached a worker or its worker died during it: the caller re-runs it.
   */
  reattach(trialId: string, trialDir: string): boolean {
    const parent = this.host.workersDir(path.basename(path.resolve(trialDir, '..', '..')), trialDir);
    this.adoptLive(parent);
    if (this.host.pool.claim(trialId)) {
      this.host.log(`re-attached trial ${trialId} to its reuse worker in ${parent}`);
      return true;
    }
    const workerDir = this.folderOf(parent, trialId);
    if (workerDir === undefined) return false; // never handed to a worker
    const record = readWorkerRecord(workerDir);
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

  private folderOf(parent: string, trialId: string): string | undefined {
    let map = this.folderOfTrial.get(parent);
    if (map === undefined) {
      map = new Map();
      for (const dir of workerFolders(parent)) {
        const record: WorkerRecord | undefined = readWorkerRecord(dir);
        for (const id of record?.replyOf.keys() ?? []) map.set(id, dir);
      }
      this.folderOfTrial.set(parent, map);
    }
    return map.get(trialId);
  }
}

function writeJobId(dir: string, jobId: string): void {
  try {
    writeFileSync(path.join(dir, JOB_ID_FILE), `${jobId}\n`);
  } catch {
    // best effort: squeue finds it by its folder again next time
  }
}
