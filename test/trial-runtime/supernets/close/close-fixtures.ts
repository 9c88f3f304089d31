import type { Nb201CloseOptions } from '../../../../trial-runtime/supernets/close/nb201-close-supernet';

/** A tiny nb201-close (C=4, one cell per stage, 8x8x1, a small gate), deterministic (dropout 0). */
export const TINY_CLOSE: Nb201CloseOptions = {
  channels: 4, cellsPerStage: 1, inputSize: 8, inChannels: 1, numClasses: 4, dropout: 0, numCurriculums: 3,
  gate: { opDim: 8, nodeDim: 8, hiddenDim: 8, gcnDims: [16, 16], mlpDims: [16], dropout: 0.1 },
};
