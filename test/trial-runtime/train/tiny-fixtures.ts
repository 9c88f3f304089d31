import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng } from '../../../tuners/rng';
import type { ImageShape, ImageSplit } from '../../../trial-runtime/data/dataset';
import type { SposOptions } from '../../../trial-runtime/supernets/spos/spos-supernet';

/** A 3-layer SPOS supernet small enough for the plain JS CPU backend (dropout 0: deterministic). */
export const TINY_SPOS: SposOptions = {
  inputSize: 8, inChannels: 1, numClasses: 4, stemChannels: 4, stageChannels: [8, 16], stageRepeats: [1, 2],
  lastChannels: 16, widthMultiplier: 1, depthMultiplier: 1, dropout: 0,
};

export const TINY_SHAPE: ImageShape = [8, 8, 1];

/** A learnable synthetic split: class c has a bright c-th quadrant, plus seeded noise. */
export function tinySplit(size: number, seed: number, classes = 4): ImageSplit {
  const rng = createRng(seed);
  const images = new Uint8Array(size * 64);
  const labels = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const q = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1);
        images[i * 64 + y * 8 + x] = Math.min(255, (q === c ? 160 : 40) + rng.int(60));
      }
    }
  }
  return { size, images, labels };
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
