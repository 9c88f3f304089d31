import { ConfigError } from '../../daemon/errors';
import type { Supernet } from './supernet';
import { SposSupernet, type SposOptions } from './spos/spos-supernet';
import { NdsSupernet } from './nds/nds-supernet';
import type { NdsOptions } from './nds/nds-space';
import { Nb201Supernet, type Nb201Options } from './nb201/nb201-supernet';
import { DartsSupernet, type DartsOptions } from './darts/darts-supernet';
import { Nb201CloseSupernet } from './close/nb201-close-supernet';
import { NdsCloseSupernet } from './close/nds-close-supernet';
import { DartsCloseSupernet } from './close/darts-close-supernet';
import type { CloseOptions } from './close/close-options';
import { CreamSupernet } from './cream/cream-supernet';
import { CREAM_CPU_PRESET, type CreamOptions } from './cream/cream-layout';

/** Names of the built-in supernet spaces. */
export type BuiltinSpaceName = 'spos' | 'spos-cpu' | 'nds-resnet' | 'nds-resnexta' | 'nb201' | 'darts' | 'nb201-close' | 'darts-close' | 'nds-resnet-close' | 'nds-resnexta-close' | 'cream' | 'cream-cpu';

/** Options per space (a superset; each space reads its own). */
export type SupernetOptions = SposOptions & NdsOptions & Nb201Options & DartsOptions & CloseOptions & CreamOptions;

/** One built-in space: name and what it is. */
export interface BuiltinSpaceInfo {
  name: BuiltinSpaceName;
  description: string;
}

/**
 * The CPU-sized SPOS preset: 28x28x1 input (Fashion-MNIST), 10 classes, width x0.25
 * (stem 4, stages [16, 40, 80, 160], last 256), depth x0.5 (repeats [2, 2, 4, 2] = 10 choice
 * layers). Caller options override these.
 */
export const SPOS_CPU_PRESET: Readonly<SposOptions> = { inputSize: 28, inChannels: 1, numClasses: 10, widthMultiplier: 0.25, depthMultiplier: 0.5 };

/** Lists the built-in spaces (for `nasctl ss_gen --space`). Pure. */
export function builtinSpaces(): BuiltinSpaceInfo[] {
  return [
    { name: 'spos', description: 'SPOS ShuffleNetV2 supernet, ImageNet size (224, 1000 classes), 20 layer choices x 4 blocks' },
    { name: 'spos-cpu', description: 'SPOS ShuffleNetV2 at CPU size (28x28x1, 10 classes, width x0.25, 10 layer choices)' },
    { name: 'nds-resnet', description: 'NDS ResNet on CIFAR (depth and width per stage, ordinal channel sharing)' },
    { name: 'nds-resnexta', description: 'NDS ResNeXt-A on CIFAR (depth, width, bottleneck ratio and groups per stage)' },
    { name: 'nb201', description: 'NAS-Bench-201 cell network (C=16, N=5; 6 edges x 5 ops)' },
    { name: 'darts', description: 'DARTS / NAS-Bench-301 cells (C=16, 8 cells; normal + reduction cell, 4 nodes x 2 inputs, 8 ops)' },
    { name: 'nb201-close', description: 'nb201 for CLOSE training (--strategy close): numCurriculums GLOW blocks per cell and a GATE network' },
    { name: 'darts-close', description: 'darts for CLOSE training (--strategy close): numCurriculums stride-1 GLOW blocks per cell (and stride-2 ones in reduction cells) and the NB301 GATE network' },
    { name: 'nds-resnet-close', description: 'nds-resnet for CLOSE training (--strategy close): depth positions share numCurriculums blocks per stage' },
    { name: 'nds-resnexta-close', description: 'nds-resnexta for CLOSE training (--strategy close): depth positions share numCurriculums blocks per stage' },
    { name: 'cream', description: 'Cream of the Crop MobileNetV3-like supernet (224 px, 1000 classes; IR blocks with SE, kernel {3,5,7} x expansion {4,6}; staNum from the FLOPs window, default [4,4,4,4,4])' },
    { name: 'cream-cpu', description: 'Cream at CPU size (28x28x1, 10 classes, narrow widths, 2 layers per stage = 10 layer choices)' },
  ];
}

/**
 * Creates a supernet by name; nothing is allocated until it is built or run. Throws ConfigError
 * (path '/space') for an unknown name, listing the valid ones, or from the space for bad options.
 */
export function createSupernet(name: string, options: SupernetOptions = {}): Supernet {
  switch (name) {
    case 'spos':
      return new SposSupernet(options, 'spos');
    case 'spos-cpu':
      return new SposSupernet({ ...SPOS_CPU_PRESET, ...options }, 'spos-cpu');
    case 'nds-resnet':
      return new NdsSupernet('resnet', options);
    case 'nds-resnexta':
      return new NdsSupernet('resnexta', options);
    case 'nb201':
      return new Nb201Supernet(options);
    case 'darts':
      return new DartsSupernet(options);
    case 'nb201-close':
      return new Nb201CloseSupernet(options);
    case 'darts-close':
      return new DartsCloseSupernet(options);
    case 'nds-resnet-close':
      return new NdsCloseSupernet('resnet', options);
    case 'nds-resnexta-close':
      return new NdsCloseSupernet('resnexta', options);
    case 'cream':
      return new CreamSupernet(options, 'cream');
    case 'cream-cpu':
      return new CreamSupernet({ ...CREAM_CPU_PRESET, ...options }, 'cream-cpu');
    default:
      throw new ConfigError('/space', `unknown supernet space '${name}'; built-in spaces: ${builtinSpaces().map((s) => s.name).join(', ')}`);
  }
}
