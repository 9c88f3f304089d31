import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface FakeGpu { index: number; util: number; used: number; total: number; pids: number[] }

/** A stand-in nvidia-smi printing what the real one prints, driven by gpus.json. */
export function fakeNvidiaSmi(root: string): { path: string; set(gpus: FakeGpu[]): void; calls(): number } {
  const state = path.join(root, 'gpus.json');
  const calls = path.join(root, 'calls.txt');
  const script = path.join(root, 'nvidia-smi');
  writeFileSync(
    script,
    `#!/usr/bin/env python3
import json, sys
gpus = json.load(open(${JSON.stringify(state)}))
open(${JSON.stringify(calls)}, "a").write(sys.argv[1] + "\\n")
if sys.argv[1].startswith("--query-gpu="):
    for g in gpus: print("%d, GPU-%d, %d, %d, %d" % (g["index"], g["index"], g["util"], g["used"], g["total"]))
elif sys.argv[1].startswith("--query-compute-apps="):
    for g in gpus:
        for pid in g["pids"]: print("GPU-%d, %d" % (g["index"], pid))
else:
    sys.exit(2)
`,
  );
  chmodSync(script, 0o755);
  writeFileSync(calls, '');
  const api = {
    path: script,
    set: (gpus: FakeGpu[]) => writeFileSync(state, JSON.stringify(gpus)),
    calls: () => readFileSync(calls, 'utf8').split('\n').filter((l) => l.startsWith('--query-gpu')).length,
  };
  return api;
}
