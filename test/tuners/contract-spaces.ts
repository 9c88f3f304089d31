import type { CostModel, SearchSpace } from '../../tuners/search-space';

/** A search space the tuner contract runs on, with optional cost model and limits to honour. */
export interface ContractSpace {
  name: string;
  space: SearchSpace;
  cost?: CostModel;
  /** classArgs merged into the tuner's when this space is used (cost limits). */
  limitArgs?: Record<string, number>;
}

/** One parameter of every `_type`. */
export function everyTypeSpace(): SearchSpace {
  return {
    opt: { _type: 'choice', _value: ['sgd', 'adam', 3, true, null] },
    block: { _type: 'layer_choice', _value: ['conv3x3', 'conv5x5', 'skip'] },
    inputs: { _type: 'input_choice', _value: { candidates: ['x0', 'x1', 'x2', 'x3'], n_chosen: 2 } },
    layers: { _type: 'randint', _value: [2, 6] },
    dropout: { _type: 'uniform', _value: [0, 0.5] },
    lr: { _type: 'loguniform', _value: [1e-4, 1e-1] },
    batch: { _type: 'quniform', _value: [16, 128, 16] },
    width: { _type: 'qloguniform', _value: [8, 256, 8] },
    shift: { _type: 'normal', _value: [0, 1] },
    scale: { _type: 'lognormal', _value: [0, 0.5] },
    qshift: { _type: 'qnormal', _value: [10, 3, 0.5] },
    qscale: { _type: 'qlognormal', _value: [2, 0.5, 1] },
  };
}

/** SPOS's space as ss_gen writes it: LayerChoice1..20, 4 candidates "0".."3" each. */
export function sposSpace(): SearchSpace {
  const space: SearchSpace = {};
  for (let i = 1; i <= 20; i++) space[`LayerChoice${i}`] = { _type: 'layer_choice', _value: ['0', '1', '2', '3'] };
  return space;
}

/** Per-layer MACs (millions) of the SPOS supernet for choices 0..3 (ALGORITHMS.md §1.2). */
const SPOS_LAYER_MFLOPS: readonly (readonly number[])[] = [
  [13.4, 15.81, 19.42, 13.15],
  ...Array.from({ length: 3 }, () => [7.33, 8.93, 11.34, 12.34]),
  [26.31, 28.11, 30.82, 20.3],
  ...Array.from({ length: 3 }, () => [10.6, 11.6, 13.11, 16.75]),
  [30.67, 31.67, 33.18, 21.2],
  ...Array.from({ length: 7 }, () => [10.32, 10.82, 11.57, 15.9]),
  [30.39, 30.89, 31.64, 20.64],
  ...Array.from({ length: 3 }, () => [10.18, 10.43, 10.8, 15.48]),
];

/** SPOS FLOPs model (fixed part 38.56M); params are a made-up 1/100 of the FLOPs. */
export function sposCostModel(): CostModel {
  const perChoice: CostModel['perChoice'] = {};
  SPOS_LAYER_MFLOPS.forEach((row, i) => {
    const table: Record<string, { flops: number; params: number }> = {};
    row.forEach((m, c) => (table[String(c)] = { flops: m * 1e6, params: m * 1e4 }));
    perChoice[`LayerChoice${i + 1}`] = table;
  });
  return { base: { flops: 38.56e6, params: 38.56e4 }, perChoice };
}

/** The spaces every tuner is checked on. */
export function contractSpaces(): ContractSpace[] {
  return [
    { name: 'every _type', space: everyTypeSpace() },
    { name: 'SPOS 20 x layer_choice(4)', space: sposSpace() },
    {
      name: 'SPOS with FLOPs/params limits',
      space: sposSpace(),
      cost: sposCostModel(),
      limitArgs: { flopsLimit: 330e6, flopsMin: 290e6, paramsLimit: 3.25e6 },
    },
  ];
}
