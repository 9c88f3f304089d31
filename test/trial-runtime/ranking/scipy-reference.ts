import { spawnSync } from 'node:child_process';

/** What the Python reference returns per case (null where scipy/numpy give NaN). */
export interface ReferenceResult {
  pearson: number | null;
  kendall: number | null;
  spearman: number | null;
  /** aw_nas-style P@top/bottom-K rows [ratio, K, top, bottom] (only meaningful without ties). */
  patk: Array<[number, number, number, number]>;
  /** aw_nas-style BR/WR rows [ratio, BR, WR]. */
  brwr: Array<[number, number, number]>;
}

const SCRIPT = String.raw`
import json, sys, math, warnings
warnings.simplefilter("ignore")
import numpy as np
from scipy import stats
def clean(v):
    v = float(v)
    return None if math.isnan(v) else v
out = []
for case in json.load(sys.stdin):
    s = np.array(case["s"], dtype=np.float64); t = np.array(case["t"], dtype=np.float64)
    n = len(s)
    r = {"pearson": clean(np.corrcoef(s, t)[0, 1]), "kendall": clean(stats.kendalltau(s, t)[0]), "spearman": clean(stats.spearmanr(s, t)[0])}
    rank_t = np.zeros(n, dtype=int); rank_t[np.argsort(t)[::-1]] = np.arange(n)
    pred = np.argsort(s)[::-1]
    patk = []
    for ratio in [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0]:
        k = int(n * ratio)
        if k < 1: continue
        patk.append([ratio, k, float(np.sum(rank_t[pred[:k]] < k)) / k, float(np.sum(rank_t[pred[n - k:]] >= n - k)) / k])
    brwr = []
    for ratio in [0.001, 0.005, 0.01, 0.05, 0.1, 0.2]:
        k = int(n * ratio)
        if k < 1: continue
        brwr.append([ratio, int(rank_t[pred[:k]].min()) + 1, int(rank_t[pred[:k]].max()) + 1])
    r["patk"] = patk; r["brwr"] = brwr
    out.append(r)
json.dump(out, sys.stdout)
`;

/**
 * Test helper: runs numpy/scipy on the cases in one python3 process. Throws an Error that names
 * the install command when python3 or scipy is missing.
 */
export function scipyReference(cases: ReadonlyArray<{ s: number[]; t: number[] }>): ReferenceResult[] {
  const res = spawnSync('python3', ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (res.error || res.status !== 0) {
    throw new Error(
      `the SciPy reference could not run (${res.error?.message ?? res.stderr.trim().split('\n').pop()}); ` + 'install it with `apt-get install -y python3-scipy` (Debian) and re-run the tests',
    );
  }
  return JSON.parse(res.stdout) as ReferenceResult[];
}
