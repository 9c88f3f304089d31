import { ConfigError } from '../errors';
import { describeValue } from './describe-value';

/**
 * Applies NNI's tolerances before schema validation: a one-element `trainingService` list is
 * unwrapped, `useAnnotation: true` is rejected, `nniManagerIp` is dropped with a notice, and the
 * "exactly one of searchSpaceFile / searchSpace" rule is checked with a clear message. Called by
 * the loader on a v2-named config object. Pure; returns a shallow copy.
 *
 * @throws ConfigError at `/useAnnotation`, `/trainingService` (empty or several entries: hybrid
 *   training services are not supported), `/searchSpaceFile` (neither given) or `/searchSpace`
 *   (both given).
 */
export function prepareRawConfig(raw: Record<string, unknown>): { config: Record<string, unknown>; notices: string[] } {
  const config = { ...raw };
  const notices: string[] = [];
  if (config.useAnnotation === true) {
    throw new ConfigError(
      '/useAnnotation',
      'annotation-based search spaces are not supported; set useAnnotation: false (or remove it) and give searchSpaceFile (e.g. from `nasctl ss_gen`) or searchSpace',
    );
  }
  if ('nniManagerIp' in config) {
    notices.push(`nniManagerIp (${describeValue(config.nniManagerIp)}) is ignored: nasctl trials report to the daemon through a pipe (local) or the shared directory (slurm)`);
    delete config.nniManagerIp;
  }
  const ts = config.trainingService;
  if (Array.isArray(ts)) {
    if (ts.length === 0) throw new ConfigError('/trainingService', 'the trainingService list is empty; give one training service, e.g. {platform: local}');
    if (ts.length > 1) {
      throw new ConfigError('/trainingService/1', `hybrid training services (a list of ${ts.length}) are not supported; give exactly one training service`);
    }
    config.trainingService = ts[0];
  }
  const hasFile = config.searchSpaceFile !== undefined;
  const hasInline = config.searchSpace !== undefined;
  if (hasFile && hasInline) {
    throw new ConfigError('/searchSpace', "both 'searchSpaceFile' and 'searchSpace' are given; keep exactly one of them");
  }
  if (!hasFile && !hasInline) {
    throw new ConfigError('/searchSpaceFile', "no search space: give 'searchSpaceFile' (a JSON file, e.g. from `nasctl ss_gen`) or 'searchSpace' (inline)");
  }
  return { config, notices };
}
