import { ConfigError } from '../errors';
import { describeValue } from './describe-value';

/** One row of the v1 -> v2 conversion (also rendered into docs/config.md). */
export interface V1FieldMapping {
  /** JSON pointer in the v1 config. */
  readonly v1: string;
  /** JSON pointer in the v2 config, or '' when the field is dropped. */
  readonly v2: string;
  readonly note?: string;
}

/** NNI's `to_v2` mapping (nni/experiment/config/convert.py) as far as nasctl supports it. */
export const V1_FIELD_MAP: readonly V1FieldMapping[] = [
  { v1: '/maxExecDuration', v2: '/maxExperimentDuration' },
  { v1: '/maxTrialNum', v2: '/maxTrialNumber' },
  { v1: '/searchSpacePath', v2: '/searchSpaceFile' },
  { v1: '/logDir', v2: '/experimentWorkingDirectory' },
  { v1: '/trial/command', v2: '/trialCommand' },
  { v1: '/trial/codeDir', v2: '/trialCodeDirectory' },
  { v1: '/trial/gpuNum', v2: '/trialGpuNumber' },
  { v1: '/trainingServicePlatform', v2: '/trainingService/platform', note: 'only `local` (v2 also has `slurm`)' },
  { v1: '/localConfig/gpuIndices', v2: '/trainingService/gpuIndices' },
  { v1: '/localConfig/maxTrialNumPerGpu', v2: '/trainingService/maxTrialNumberPerGpu' },
  { v1: '/localConfig/useActiveGpu', v2: '/trainingService/useActiveGpu' },
  { v1: '/tuner/builtinTunerName', v2: '/tuner/name' },
  { v1: '/assessor/builtinAssessorName', v2: '/assessor/name' },
  { v1: '/tuner/className', v2: '/tuner/name', note: 'EvolutionWithFlops and SPOSEvolution (the SPOS example tuners) become the built-in Evolution, flops_limit (default 330e6) -> classArgs.flopsLimit; other Python classes are rejected' },
  { v1: '/authorName', v2: '', note: 'dropped' },
  { v1: '/description', v2: '', note: 'dropped' },
  { v1: '/multiThread', v2: '', note: 'dropped' },
  { v1: '/versionCheck', v2: '', note: 'dropped' },
  { v1: '/logCollection', v2: '', note: 'dropped' },
  { v1: '/multiPhase', v2: '', note: '`true` is rejected (as in NNI), `false` dropped' },
];

/** Keys that only NNI v1 configs have at the top level. */
const V1_ONLY_KEYS = [
  'authorName', 'trainingServicePlatform', 'searchSpacePath', 'trial', 'maxExecDuration', 'maxTrialNum',
  'localConfig', 'multiPhase', 'multiThread', 'logDir', 'versionCheck', 'logCollection', 'machineList',
];

/** The renames of {@link V1_FIELD_MAP} directly under the v1 pointer `parent` ('' = top level): v1 key -> v2 pointer. */
function renamesUnder(parent: string): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const m of V1_FIELD_MAP) {
    const key = m.v1.slice(parent.length + 1);
    if (m.v2 !== '' && m.v1.startsWith(`${parent}/`) && !key.includes('/')) out.set(key, m.v2);
  }
  return out;
}
const TOP_RENAMES = renamesUnder('');
const TRIAL_RENAMES = renamesUnder('/trial');
const LOCAL_RENAMES = renamesUnder('/localConfig');

/** Python tuner classes of NNI's SPOS example, mapped to the built-in Evolution tuner. */
const SPOS_TUNER_CLASSES = new Set(['EvolutionWithFlops', 'SPOSEvolution']);
const SPOS_DEFAULT_FLOPS_LIMIT = 330e6;

/** The result of converting a v1 config. */
export interface V1Conversion {
  /** The config in v2 field names, not yet validated. */
  config: Record<string, unknown>;
  /** The one notice line describing the conversion. */
  notice: string;
  /** [v2 pointer prefix, v1 pointer prefix] pairs, to report errors at the key the user wrote. */
  pathMap: ReadonlyArray<readonly [string, string]>;
}

/** True when a parsed config object uses NNI v1 field names. Called before validation. Pure. */
export function isV1Config(raw: unknown): raw is Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const record = raw as Record<string, unknown>;
  if (V1_ONLY_KEYS.some((k) => k in record)) return true;
  const tuner = record.tuner;
  return tuner !== null && typeof tuner === 'object' && ('builtinTunerName' in tuner || 'classFileName' in tuner);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Records one renamed field: a notice part (default "v1.key -> v2.key") and the path mapping. */
type Rename = (v1: string, v2: string, change?: string) => void;

/** A JSON pointer ("/trial/command") as the dotted key users write ("trial.command"). Pure. */
export function dotted(pointer: string): string {
  return pointer.slice(1).replace(/\//g, '.');
}

/**
 * Converts an NNI v1 config to v2 field names following NNI's `to_v2`. Called by the loader when
 * {@link isV1Config} is true; the result is then validated like any v2 config. Pure.
 *
 * @param builtinTuners names of the built-in tuners, listed when a custom Python tuner is rejected.
 * @throws ConfigError at the v1 key for what cannot be converted: `multiPhase: true`, an advisor,
 *   a platform other than local, a custom Python tuner/assessor class, a malformed `trial` block.
 */
export function convertV1Config(raw: Record<string, unknown>, builtinTuners: readonly string[]): V1Conversion {
  const out: Record<string, unknown> = {};
  const changes: string[] = [];
  const dropped: string[] = [];
  const pathMap: Array<readonly [string, string]> = [];
  const rename: Rename = (v1, v2, change = `${dotted(v1)} -> ${dotted(v2)}`) => {
    if (change !== '') changes.push(change);
    pathMap.push([v2, v1]);
  };
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'authorName': case 'description': case 'multiThread': case 'versionCheck': case 'logCollection':
        dropped.push(key);
        break;
      case 'multiPhase':
        if (value === true) throw new ConfigError('/multiPhase', 'multiPhase experiments are not supported (NNI v2 rejects them too); remove multiPhase');
        dropped.push(key);
        break;
      case 'advisor':
        throw new ConfigError('/advisor', 'advisors are not supported; use a tuner (and optionally an assessor) instead');
      case 'trial': convertTrial(value, out, rename); break;
      case 'trainingServicePlatform': case 'localConfig': break;
      case 'tuner': out.tuner = convertAlgorithm(value, 'tuner', builtinTuners, rename); break;
      case 'assessor': out.assessor = convertAlgorithm(value, 'assessor', builtinTuners, rename); break;
      default: {
        const v2 = TOP_RENAMES.get(key);
        if (v2 === undefined) {
          out[key] = value;
        } else {
          out[v2.slice(1)] = value;
          rename(`/${key}`, v2);
        }
      }
    }
  }
  out.trainingService = convertPlatform(raw, rename);
  const droppedText = dropped.length > 0 ? `; dropped ${dropped.join(', ')}` : '';
  const notice = `converted NNI v1 config to v2 (${changes.join(', ')}${droppedText}); run with the v2 names to silence this notice`;
  return { config: out, notice, pathMap };
}

function convertTrial(value: unknown, out: Record<string, unknown>, rename: Rename): void {
  if (!isRecord(value)) throw new ConfigError('/trial', `expected a mapping with command, codeDir and gpuNum; found ${describeValue(value)}`);
  for (const [key, v] of Object.entries(value)) {
    const v2 = TRIAL_RENAMES.get(key);
    if (v2 === undefined) {
      if (key === 'nasMode') continue;
      throw new ConfigError(`/trial/${key}`, `unknown v1 trial key '${key}'; expected command, codeDir or gpuNum`);
    }
    out[v2.slice(1)] = v;
    rename(`/trial/${key}`, v2);
  }
}

function convertPlatform(raw: Record<string, unknown>, rename: Rename): Record<string, unknown> {
  const platform = raw.trainingServicePlatform;
  if (platform === undefined) throw new ConfigError('/trainingServicePlatform', "missing required key 'trainingServicePlatform' of a v1 config (use 'local')");
  if (platform !== 'local') {
    throw new ConfigError('/trainingServicePlatform', `unsupported platform ${describeValue(platform)}; a v1 config can use 'local' (for Slurm write a v2 config with trainingService: {platform: slurm})`);
  }
  const ts: Record<string, unknown> = { platform: 'local' };
  rename('/trainingServicePlatform', '/trainingService/platform');
  const local = raw.localConfig;
  if (local === undefined) return ts;
  if (!isRecord(local)) throw new ConfigError('/localConfig', `expected a mapping; found ${describeValue(local)}`);
  for (const [key, value] of Object.entries(local)) {
    const v2 = LOCAL_RENAMES.get(key);
    if (v2 === undefined) throw new ConfigError(`/localConfig/${key}`, `unknown localConfig key '${key}'; expected gpuIndices, maxTrialNumPerGpu or useActiveGpu`);
    ts[v2.slice('/trainingService/'.length)] = value;
    rename(`/localConfig/${key}`, v2);
  }
  return ts;
}

function convertAlgorithm(value: unknown, kind: 'tuner' | 'assessor', builtinTuners: readonly string[], rename: Rename): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const builtinKey = kind === 'tuner' ? 'builtinTunerName' : 'builtinAssessorName';
  for (const [key, v] of Object.entries(value)) {
    if (key === builtinKey) {
      out.name = v;
      rename(`/${kind}/${key}`, `/${kind}/name`);
    } else if (key === 'className') {
      const mapped = mapPythonAlgorithm(v, value.classArgs, kind, builtinTuners);
      out.name = mapped.name;
      out.classArgs = mapped.classArgs;
      rename('/tuner/className', '/tuner/name', mapped.change);
      rename('/tuner/classArgs/flops_limit', '/tuner/classArgs/flopsLimit', '');
    } else if (key === 'codeDir' || key === 'classFileName' || key === 'includeIntermediateResults' || key === 'gpuIndices') {
      continue;
    } else if (key === 'classArgs') {
      if (!('classArgs' in out)) out.classArgs = v;
    } else {
      out[key] = v;
    }
  }
  return out;
}

/**
 * Maps a Python tuner class (v1 `className`, or v2 `className` such as "tuner.EvolutionWithFlops")
 * to a built-in tuner. Only the SPOS example classes EvolutionWithFlops / SPOSEvolution are known:
 * they become `Evolution` with `flops_limit` (default 330e6) renamed to `flopsLimit`. Called by
 * the v1 conversion and by the loader for v2 `className`. Pure.
 *
 * @throws ConfigError at `/<kind>/className` for any other class (custom Python algorithms are not
 *   supported), listing the built-in tuner names.
 */
export function mapPythonAlgorithm(
  className: unknown, classArgs: unknown, kind: 'tuner' | 'assessor', builtinTuners: readonly string[],
): { name: string; classArgs: Record<string, unknown>; change: string } {
  const bare = typeof className === 'string' ? className.slice(className.lastIndexOf('.') + 1) : '';
  if (kind !== 'tuner' || !SPOS_TUNER_CLASSES.has(bare)) {
    throw new ConfigError(
      `/${kind}/className`,
      `custom Python ${kind}s are not supported (found className ${describeValue(className)}); use a built-in ${kind}: ${kind === 'tuner' ? builtinTuners.join(', ') : 'see docs/config.md'}`,
    );
  }
  const given = isRecord(classArgs) ? classArgs : {};
  const { flops_limit: flopsLimit, ...rest } = given;
  const limit = flopsLimit ?? SPOS_DEFAULT_FLOPS_LIMIT;
  return { name: 'Evolution', classArgs: { ...rest, flopsLimit: limit }, change: `tuner ${bare} (Python) -> built-in Evolution with flopsLimit ${String(limit)}` };
}

/**
 * Maps an error path of the converted config back to the v1 key the user wrote (longest matching
 * prefix), or returns undefined when the path was not renamed. Pure.
 */
export function mapConvertedPath(path: string, pathMap: ReadonlyArray<readonly [string, string]>): string | undefined {
  let best: readonly [string, string] | undefined;
  for (const entry of pathMap) {
    if ((path === entry[0] || path.startsWith(`${entry[0]}/`)) && (best === undefined || entry[0].length > best[0].length)) best = entry;
  }
  return best === undefined ? undefined : best[1] + path.slice(best[0].length);
}
