import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { ConfigError } from '../../errors';
import { validateSearchSpace } from '../../config/validate-search-space';
import { TRIAL_ENV } from '../../../trial-runtime/protocol/messages';

/**
 * Names of the built-in spaces for the help text (kept here so the CLI does not load TensorFlow.js
 * for --help; test/daemon/cli/runtime-commands.test.ts checks it against the registry).
 */
export const BUILTIN_SPACE_NAMES: readonly string[] = ['spos', 'spos-cpu', 'nds-resnet', 'nds-resnexta', 'nb201', 'darts', 'cream', 'cream-cpu', 'nb201-close', 'nds-resnet-close', 'nds-resnexta-close', 'darts-close'];

/** dist/ root (this file is dist/daemon/cli/commands/runtime.js). */
const DIST = join(__dirname, '..', '..', '..');

/**
 * Runs a node program of the trial runtime (a file under dist/) with `args`, forwarding its
 * output to the CLI's writers. Resolves with its exit code.
 */
function runProgram(ctx: CliContext, file: string, args: readonly string[]): Promise<number> {
  return runChild(ctx, process.execPath, [join(DIST, file), ...args], {});
}

function runChild(ctx: CliContext, command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, [...args], { stdio: ['inherit', 'pipe', 'pipe'], env: { ...ctx.io.env, ...env }, cwd: cwd ?? ctx.io.cwd });
    child.stdout!.on('data', (d: Buffer) => ctx.io.stdout(d.toString()));
    child.stderr!.on('data', (d: Buffer) => ctx.io.stderr(d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

/** Registers the commands that run the trial runtime locally: ss_gen, eval-arch, train-arch, rank-eval, ground-truth. */
export function registerRuntimeCommands(program: Command, ctx: CliContext): void {
  program
    .command('ss_gen')
    .description('generate a search space (NNI format, plus the _cost FLOPs/params model) from a trial command or a built-in space')
    .option('-t, --trial-command <command>', 'run this trial command in dry mode: its supernet declares its choices and it exits')
    .option('--space <name>', `a built-in space instead: ${BUILTIN_SPACE_NAMES.join(', ')}`)
    .option('--options <json>', 'supernet options of --space, as JSON (e.g. \'{"depthMultiplier":0.25}\')')
    .option('-o, --output <file>', 'where to write the search space', 'nas_search_space.json')
    .option('--cwd <dir>', 'working directory of the trial command (default: the current one)')
    .addHelpText('after', `
Examples:
  $ nasctl ss_gen -t "node dist/trial-runtime/programs/train-supernet.js --space spos-cpu"
  $ nasctl ss_gen --space nb201 -o nb201_space.json`)
    .action(async (o: { trialCommand?: string; space?: string; options?: string; output: string; cwd?: string }) => {
      if ((o.trialCommand === undefined) === (o.space === undefined)) {
        throw new ConfigError('ss_gen', 'give exactly one of -t/--trial-command and --space');
      }
      const out = resolve(ctx.io.cwd, o.output);
      if (o.space !== undefined) {
        let options: object = {};
        if (o.options !== undefined) {
          try {
            options = JSON.parse(o.options) as object;
          } catch (e) {
            throw new ConfigError('--options', `must be JSON: ${(e as Error).message}`);
          }
        }
        // Loaded lazily: the supernets pull in TensorFlow.js, which other commands do not need.
        const { generateSearchSpace } = require('../../../trial-runtime/programs/ss-gen') as typeof import('../../../trial-runtime/programs/ss-gen');
        writeFileSync(out, `${JSON.stringify(generateSearchSpace(o.space, options), null, 2)}\n`);
      } else {
        rmSync(out, { force: true });
        const code = await runChild(ctx, 'bash', ['-c', o.trialCommand!], { [TRIAL_ENV.genSearchSpace]: out }, o.cwd === undefined ? undefined : resolve(ctx.io.cwd, o.cwd));
        if (code !== 0) throw new ConfigError('--trial-command', `the trial command exited with code ${code} in dry mode; run it by hand with ${TRIAL_ENV.genSearchSpace}=${out} to see why`);
        if (!existsSync(out)) {
          throw new ConfigError('--trial-command', `the trial command exited without writing ${out}: it must build a nasctl supernet, which writes its space when ${TRIAL_ENV.genSearchSpace} is set`);
        }
      }
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(out, 'utf8'));
      } catch (e) {
        throw new ConfigError(out, `is not valid JSON: ${(e as Error).message}`);
      }
      const { space, cost } = validateSearchSpace(raw, '');
      ctx.out(`wrote ${out}: ${Object.keys(space).length} choices${cost ? ', with a FLOPs/params cost model' : ''}`);
    });

  const passThrough = (name: string, file: string, description: string, usage: string) =>
    program
      .command(name)
      .description(description)
      .allowUnknownOption(true)
      .helpOption(false)
      .argument('[args...]', usage)
      // --help goes to the program too: it prints its full usage (options, defaults).
      .action(async (args: string[]) => {
        ctx.exitCode = await runProgram(ctx, file, args);
      });

  passThrough('eval-arch', 'trial-runtime/programs/eval-arch-program.js', 'score a list of architectures with supernet checkpoints (one-shot) or at initialization (zero-shot)',
    'nasctl eval-arch CONFIG ARCHS (--load CKPT_DIR ... | --evaluator zeroshot:P1,P2) --dump-rollouts OUT   (nasctl eval-arch --help for all options)');
  passThrough('train-arch', 'trial-runtime/programs/train-arch.js', 'train one architecture from scratch (SPOS step 3), with checkpoints and final test accuracy',
    'nasctl train-arch --arch ARCH.json --space spos-cpu [--epochs N --checkpoint-dir DIR ...]   (options as train-supernet; see docs/training.md)');
  passThrough('rank-eval', 'trial-runtime/ranking/rank-eval-program.js', 'how well scores rank architectures: Kendall tau, Spearman, P@top-K, BR@K against a ground truth',
    'nasctl rank-eval ROLLOUTS --gt GROUND_TRUTH [--metric NAME] [--lower-is-better] [--json OUT]   (see docs/estimators.md)');
  passThrough('ground-truth', 'trial-runtime/ranking/ground-truth-program.js', 'import or list ground-truth tables (NAS-Bench-201 CSV, NDS JSON records)',
    'nasctl ground-truth import-nb201 | import-nds | list ...   (see docs/estimators.md)');
}
