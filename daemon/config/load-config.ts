import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors';
import type { AlgorithmConfig, ExperimentConfig } from './experiment-config';
import experimentSchema from './experiment.schema.json';
import { convertV1Config, isV1Config, mapConvertedPath, mapPythonAlgorithm } from './convert-v1';
import { createConfigAjv } from './create-ajv';
import { describeValue } from './describe-value';
import { parseDuration } from './duration';
import { matchAlgorithm, type AlgorithmInfo } from './match-algorithm';
import { normalizeTrainingService } from './normalize-training-service';
import { prepareRawConfig } from './prepare-raw-config';
import { readSearchSpaceFile } from './read-search-space-file';
import { relocateError } from './relocate-error';
import { resolveUserPath } from './resolve-user-path';
import { collectSchemaIssues, issuesToConfigError } from './schema-errors';
import { resolveSchemaRef, type SchemaNode } from './schema-fields';
import { validateSearchSpace } from './validate-search-space';
import { locateInYaml } from './yaml-location';

/** What the loader needs to know about the running nasctl. */
export interface LoadConfigOptions {
  /** Registered tuners (name + classArgs JSON Schema), e.g. from tuners/registry. */
  tuners: ReadonlyArray<AlgorithmInfo>;
  /** Registered assessors; absent or empty means configs may not name one. */
  assessors?: ReadonlyArray<AlgorithmInfo>;
}

/** A validated config plus human notices (v1 conversion, ignored NNI fields) to print once. */
export interface LoadedConfig {
  config: ExperimentConfig;
  notices: string[];
}

/** Defaults of top-level fields (also stated as `default` in experiment.schema.json). */
export const CONFIG_DEFAULTS = { trialCodeDirectory: '.', maxRetries: 0, logLevel: 'info', seed: 0 } as const;

/**
 * Reads, parses and validates an experiment config YAML file (NNI v2, or v1 converted). Called by
 * tests that check config files (`nasctl create` only parses the YAML and sends it; the daemon
 * calls validateConfig). Relative paths resolve against the file's folder.
 *
 * @throws ConfigError when the file is missing or unreadable (naming the file), on YAML syntax
 *   errors (file:line:col), and for every validation error of {@link validateConfig}, with the
 *   position of the offending field in the file appended as " (file:line:col)".
 */
export function loadConfigFile(file: string, opts: LoadConfigOptions): LoadedConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a YAML file' : `cannot be read (${code ?? String(cause)})`;
    throw new ConfigError('', `config file ${absolute} ${what}; check the --config path`, { cause });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntaxError = doc.errors[0];
  if (syntaxError !== undefined) {
    const pos = syntaxError.linePos?.[0] ?? lines.linePos(syntaxError.pos[0]);
    const reason = syntaxError.message.split('\n')[0] ?? syntaxError.message;
    throw new ConfigError('', `${absolute}:${pos.line}:${pos.col}: YAML syntax error: ${reason}`, { cause: syntaxError });
  }
  const raw: unknown = doc.toJS();
  try {
    return validateConfig(raw, path.dirname(absolute), opts);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const pos = locateInYaml(doc, lines, error.path);
    throw relocateError(error, error.path, pos ? ` (${absolute}:${pos.line}:${pos.col})` : ` (in ${absolute})`);
  }
}

/**
 * Validates a config object (parsed YAML, or a REST body's `config`) and normalizes it: v1
 * converted, defaults filled, tuner/assessor names canonical with validated classArgs, paths
 * absolute, the search space read and validated, `_cost` moved to searchSpaceCost. Called by
 * loadConfigFile and by the daemon for `POST /experiments`. Reads the search space file and checks
 * that trialCodeDirectory exists; writes nothing.
 *
 * @param baseDir folder that relative paths resolve against (the YAML file's folder).
 * @throws ConfigError whose `path` is the JSON pointer of the first offending field (for converted
 *   v1 configs, the v1 key the user wrote) and whose message says what was expected and found.
 */
export function validateConfig(raw: unknown, baseDir: string, opts: LoadConfigOptions): LoadedConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('', `expected the config to be a mapping of keys (trialCommand, trialConcurrency, ...); found ${describeValue(raw)}`);
  }
  if (!isV1Config(raw)) return validateV2(raw as Record<string, unknown>, path.resolve(baseDir), opts, []);
  const converted = convertV1Config(raw, opts.tuners.map((t) => t.name));
  try {
    return validateV2(converted.config, path.resolve(baseDir), opts, [converted.notice]);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const v1Path = mapConvertedPath(error.path, converted.pathMap);
    if (v1Path === undefined) throw error;
    throw relocateError(error, v1Path, ` (v1 key ${v1Path}, converted to ${error.path})`);
  }
}

function validateV2(input: Record<string, unknown>, baseDir: string, opts: LoadConfigOptions, notices: string[]): LoadedConfig {
  const prepared = prepareRawConfig(input);
  notices.push(...prepared.notices);
  const raw = prepared.config;
  for (const kind of ['tuner', 'assessor'] as const) {
    const block = raw[kind];
    if (block !== null && typeof block === 'object' && 'className' in block) {
      const { className, codeDirectory: _codeDirectory, classArgs, ...rest } = block as Record<string, unknown>;
      const mapped = mapPythonAlgorithm(className, classArgs, kind, opts.tuners.map((t) => t.name));
      raw[kind] = { ...rest, name: mapped.name, classArgs: mapped.classArgs };
      notices.push(`${mapped.change}: nasctl runs no Python tuners`);
    }
  }
  const ajv = createConfigAjv();
  const validate = ajv.compile(experimentSchema);
  if (!validate(raw)) {
    const issues = collectSchemaIssues(validate.errors ?? [], {
      prefix: '',
      rootSchema: experimentSchema,
      unknownKeyHint: (parent, key) => platformHint(parent, key),
    });
    throw issuesToConfigError(issues);
  }
  for (const key of ['maxExperimentDuration', 'maxTrialDuration'] as const) {
    const value = raw[key];
    if (typeof value === 'string' || typeof value === 'number') {
      parseDuration(value, `/${key}`);
      raw[key] = typeof value === 'number' ? `${value}s` : value;
    }
  }
  const algorithmAjv = createConfigAjv({ useDefaults: true, strict: false });
  const tuner = matchAlgorithm(raw.tuner as AlgorithmConfig, 'tuner', opts.tuners, algorithmAjv);
  const assessor = raw.assessor === undefined ? undefined : matchAlgorithm(raw.assessor as AlgorithmConfig, 'assessor', opts.assessors ?? [], algorithmAjv);

  let searchSpaceFile: string | undefined;
  let spaceRaw: unknown = raw.searchSpace;
  let fileNote = '';
  if (typeof raw.searchSpaceFile === 'string') {
    searchSpaceFile = resolveUserPath(raw.searchSpaceFile, baseDir);
    spaceRaw = readSearchSpaceFile(searchSpaceFile);
    fileNote = ` (in search space file ${searchSpaceFile})`;
  }
  const { space, cost } = validateSearchSpace(spaceRaw, '/searchSpace', fileNote);

  const trialCodeDirectory = resolveUserPath((raw.trialCodeDirectory as string | undefined) ?? CONFIG_DEFAULTS.trialCodeDirectory, baseDir);
  if (!isDirectory(trialCodeDirectory)) {
    throw new ConfigError('/trialCodeDirectory', `directory ${trialCodeDirectory} does not exist; trials run there (relative paths resolve against ${baseDir})`);
  }
  const logLevel = (raw.logLevel as ExperimentConfig['logLevel'] | undefined) ?? (raw.debug === true ? 'debug' : CONFIG_DEFAULTS.logLevel);
  const config: ExperimentConfig = {
    searchSpace: space,
    trialCommand: raw.trialCommand as string,
    trialCodeDirectory,
    trialConcurrency: raw.trialConcurrency as number,
    maxRetries: (raw.maxRetries as number | undefined) ?? CONFIG_DEFAULTS.maxRetries,
    tuner,
    trainingService: normalizeTrainingService(raw.trainingService as Record<string, unknown>, baseDir),
    logLevel,
    seed: (raw.seed as number | undefined) ?? CONFIG_DEFAULTS.seed,
  };
  if (typeof raw.experimentName === 'string') config.experimentName = raw.experimentName;
  if (searchSpaceFile !== undefined) config.searchSpaceFile = searchSpaceFile;
  if (cost !== undefined) config.searchSpaceCost = cost;
  if (typeof raw.trialGpuNumber === 'number') config.trialGpuNumber = raw.trialGpuNumber;
  if (typeof raw.maxExperimentDuration === 'string') config.maxExperimentDuration = raw.maxExperimentDuration;
  if (typeof raw.maxTrialDuration === 'string') config.maxTrialDuration = raw.maxTrialDuration;
  if (typeof raw.maxTrialNumber === 'number') config.maxTrialNumber = raw.maxTrialNumber;
  if (assessor !== undefined) config.assessor = assessor;
  if (typeof raw.experimentWorkingDirectory === 'string') {
    config.experimentWorkingDirectory = resolveUserPath(raw.experimentWorkingDirectory, baseDir);
  }
  if (typeof raw.checkpointDirectory === 'string') config.checkpointDirectory = resolveUserPath(raw.checkpointDirectory, trialCodeDirectory);
  return { config, notices };
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** "it is a slurm setting" when an unknown trainingService key belongs to another platform. */
function platformHint(parent: string, key: string): string | undefined {
  if (parent !== '/trainingService') return undefined;
  const root = experimentSchema as SchemaNode;
  const owners = (root.properties?.trainingService?.oneOf ?? [])
    .map((branch) => resolveSchemaRef(branch, root).properties ?? {})
    .filter((props) => key in props)
    .map((props) => `'${String(props.platform?.const)}'`);
  return owners.length > 0 ? `'${key}' is a setting of platform ${owners.join(', ')} only` : undefined;
}
