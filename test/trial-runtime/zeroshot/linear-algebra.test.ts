import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRng } from '../../../tuners/rng';
import { correlationMatrix, logAbsDet, symmetricEigenvalues } from '../../../trial-runtime/zeroshot/linear-algebra';

const SCRIPT = String.raw`
import json, sys
import numpy as np
c = json.load(sys.stdin)
a = np.array(c["a"]).reshape(c["n"], c["n"]); rows = np.array(c["rows"]).reshape(c["n"], -1)
s = (a + a.T) / 2
print(json.dumps({"logdet": float(np.linalg.slogdet(a)[1]), "eig": sorted(np.linalg.eigvalsh(s).tolist()), "corr": np.corrcoef(rows).ravel().tolist()}))
`;

test('logAbsDet, symmetric eigenvalues and corrcoef match numpy', () => {
  const rng = createRng(5);
  const n = 12;
  const a = Array.from({ length: n * n }, () => rng.normal());
  const rows = Array.from({ length: n * 30 }, () => rng.normal());
  const res = spawnSync('python3', ['-c', SCRIPT], { input: JSON.stringify({ n, a, rows }), encoding: 'utf8', timeout: 60_000 });
  assert.equal(res.status, 0, `numpy reference failed (install python3-scipy / python3-numpy): ${res.stderr}`);
  const ref = JSON.parse(res.stdout) as { logdet: number; eig: number[]; corr: number[] };
  assert.ok(Math.abs(logAbsDet(Float64Array.from(a), n) - ref.logdet) < 1e-9);
  const sym = Float64Array.from({ length: n * n }, (_, k) => ((a[k] as number) + (a[(k % n) * n + Math.floor(k / n)] as number)) / 2);
  symmetricEigenvalues(sym, n).forEach((v, i) => assert.ok(Math.abs(v - (ref.eig[i] as number)) < 1e-9, `eigenvalue ${i}: ${v} vs ${ref.eig[i]}`));
  correlationMatrix(Float64Array.from(rows), n, 30).forEach((v, i) => assert.ok(Math.abs(v - (ref.corr[i] as number)) < 1e-12));
  assert.equal(logAbsDet(Float64Array.from([1, 2, 2, 4]), 2), -Infinity);
});
