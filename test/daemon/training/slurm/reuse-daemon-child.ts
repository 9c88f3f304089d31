/**
 * A throw-away reuse-mode "daemon" for slurm-reply-file.test.ts, run as a child process so the
 * test can kill it with SIGKILL at a known point: it starts one trial on a held worker job
 * (`sbatch --hold`: the worker cannot read its reply yet), prints `started` once the trial's reply
 * is written and sbatch answered, then waits to be killed.
 *
 *   node reuse-daemon-child.js '<json: { root, workersDir, experimentId, trialId, command }>'
 */
import { SlurmTrainingService } from '../../../../daemon/training/slurm/slurm-training-service';
import { RecordingListener, makeJob } from '../local/recording-listener';
import { FAST_SERVICE } from './slurm-test-kit';

interface ChildArgs {
  root: string;
  workersDir: string;
  experimentId: string;
  trialId: string;
  command: string;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
  const service = new SlurmTrainingService({ config: { platform: 'slurm', reuseMode: true, cpusPerTrial: 1, sbatchArgs: ['--hold'] }, ...FAST_SERVICE, workersDir: args.workersDir });
  const listener = new RecordingListener();
  service.setListener(listener);
  service.tryStart(makeJob(args.root, args.trialId, args.command, { experimentId: args.experimentId, parameters: { lr: 1 } }));
  await listener.startedEvent(args.trialId, 30_000);
  process.stdout.write('started\n');
  setInterval(() => undefined, 60_000); // until SIGKILL
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
