import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { BadRequestError, ConfigError } from '../../daemon/errors';
import { formatGroundTruthCsv, formatGroundTruthJson, groundTruthArchs, readGroundTruthFile, type GroundTruth } from './ground-truth';
import { importNb201Csv } from './nb201-ground-truth';
import { importNdsRecords } from './nds-ground-truth';
import { PROCESS_IO, type ProgramIo } from './rank-eval-program';
import { runProgram } from '../programs/program-errors';
import { wantsHelp } from '../programs/parse-program-args';

/** Usage text of the ground-truth program. */
export const GROUND_TRUTH_USAGE = `usage:
  ground-truth import-nb201 CSV [--column NAME] --out OUT(.json|.csv)
  ground-truth import-nds FILE.json... --kind resnet|resnexta [--accuracy min|last] --out OUT(.json|.csv)
  ground-truth list GROUND_TRUTH [--out ARCHS.txt]     (one architecture key per line, for eval-arch)
`;

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('', `cannot read '${file}': ${(err as Error).message}`, { cause: err });
  }
}

function write(gt: GroundTruth, out: string): void {
  fs.writeFileSync(out, out.toLowerCase().endsWith('.csv') ? formatGroundTruthCsv(gt) : formatGroundTruthJson(gt));
}

/**
 * Runs the ground-truth program on `argv` (after the program name): imports a public table into
 * the nasctl ground-truth format, or lists a ground truth's architectures. Throws
 * BadRequestError for bad arguments, ConfigError for unreadable or malformed inputs.
 */
export function runGroundTruth(argv: readonly string[], io: ProgramIo): void {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { column: { type: 'string' }, out: { type: 'string' }, kind: { type: 'string' }, accuracy: { type: 'string' } } });
  } catch (err) {
    throw new BadRequestError('', `${(err as Error).message}\n${GROUND_TRUTH_USAGE}`, { cause: err });
  }
  const { values, positionals } = parsed;
  const [command, ...files] = positionals;
  if (command !== 'list' && command !== 'import-nb201' && command !== 'import-nds') throw new BadRequestError('/command', `${command === undefined ? 'expected a command' : `unknown command '${command}'`}\n${GROUND_TRUTH_USAGE}`);
  if (files.length === 0) throw new BadRequestError('/files', `'${command}' needs an input file\n${GROUND_TRUTH_USAGE}`);
  const out = values.out;
  if (command === 'list') {
    const text = groundTruthArchs(readGroundTruthFile(files[0] as string)).join('\n') + '\n';
    if (out === undefined) io.stdout(text);
    else fs.writeFileSync(out, text);
    return;
  }
  if (out === undefined) throw new BadRequestError('/out', `--out OUT is required for ${command}\n${GROUND_TRUTH_USAGE}`);
  if (command === 'import-nb201') {
    const file = files[0] as string;
    write(importNb201Csv(readText(file), file, values.column !== undefined ? { column: values.column } : {}), out);
  } else {
    if (values.kind !== 'resnet' && values.kind !== 'resnexta') throw new BadRequestError('/kind', `--kind must be resnet or resnexta, got ${JSON.stringify(values.kind)}`);
    if (values.accuracy !== undefined && values.accuracy !== 'min' && values.accuracy !== 'last') throw new BadRequestError('/accuracy', `--accuracy must be min or last, got '${values.accuracy}'`);
    const inputs = files.map((f) => {
      const text = readText(f);
      try {
        return { where: f, records: JSON.parse(text) as unknown };
      } catch (err) {
        throw new ConfigError('', `${f}: not valid JSON (${(err as Error).message})`, { cause: err });
      }
    });
    write(importNdsRecords(inputs, { kind: values.kind, ...(values.accuracy !== undefined ? { accuracy: values.accuracy as 'min' | 'last' } : {}) }), out);
  }
  io.stderr(`ground-truth: wrote ${out}\n`);
}

/** Process entry: exit 0 on success, 2 on bad input (message only), 1 on a bug (stack); see runProgram. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (wantsHelp(argv)) {
    PROCESS_IO.stdout(`${GROUND_TRUTH_USAGE}\n`);
    return;
  }
  await runProgram('ground-truth', async () => runGroundTruth(argv, PROCESS_IO), async () => undefined);
}

if (require.main === module) void main();
