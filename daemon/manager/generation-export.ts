import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerationSummary, Tuner, TrialView } from '../../tuners/tuner';

/** Folder of an experiment's per-generation exports, relative to the experiment directory. */
export const EXPORT_DIR = 'export';

/** `generation_007.json` (three digits at least, more when needed). */
export function generationFileName(generation: number): string {
  return `generation_${String(generation).padStart(3, '0')}.json`;
}

/** The JSON written per generation (see docs/assessors.md, "Generation export"). */
export interface GenerationFile {
  experimentId: string;
  tuner: string;
  generation: number;
  firstSequence: number;
  lastSequence: number;
  top: Array<{ rank: number; trialId: string; sequence: number; parameters: Record<string, unknown>; metric?: number; finalMetric?: Record<string, number> }>;
}

/** Renders one summary as the file's content. Pure. */
export function generationFile(experimentId: string, tuner: string, g: GenerationSummary): GenerationFile {
  return {
    experimentId,
    tuner,
    generation: g.generation,
    firstSequence: g.firstSequence,
    lastSequence: g.lastSequence,
    top: g.top.map((t, i) => ({
      rank: i + 1,
      trialId: t.id,
      sequence: t.sequence,
      parameters: t.parameters,
      ...(t.finalMetric === undefined ? {} : { metric: t.finalMetric }),
      ...(t.finalMetricDict === undefined ? {} : { finalMetric: { ...t.finalMetricDict } }),
    })),
  };
}

/**
 * Writes `<experiment dir>/export/generation_NNN.json` for every generation a tuner reports
 * complete (tuners with a `generations` method only), each once per run of the experiment
 * (after a resume the first update rewrites the same files with the same content). Called by the
 * runner on start and after each trial ends. Writes atomically (temp file + rename); a failed
 * write is logged and retried on the next update, never thrown.
 */
export class GenerationExporter {
  private next = 0;

  constructor(
    private readonly dir: string,
    private readonly experimentId: string,
    private readonly tunerName: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Generations written so far in this run. */
  get written(): number {
    return this.next;
  }

  update(tuner: Tuner, history: readonly TrialView[]): void {
    if (!tuner.generations) return;
    const done = tuner.generations(history, this.next);
    if (done.length === 0) return;
    const folder = join(this.dir, EXPORT_DIR);
    try {
      mkdirSync(folder, { recursive: true });
      for (const g of done) {
        const file = join(folder, generationFileName(g.generation));
        writeFileSync(`${file}.tmp`, `${JSON.stringify(generationFile(this.experimentId, this.tunerName, g), null, 2)}\n`);
        renameSync(`${file}.tmp`, file);
        this.next = g.generation + 1;
      }
    } catch (e) {
      this.log(`experiment ${this.experimentId}: cannot write generation export in ${folder}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
