import type { Module } from '../nn/module';
import { Nb201Cell, Nb201ResBlock } from '../supernets/nb201/nb201-blocks';
import { NdsBlock } from '../supernets/nds/nds-blocks';
import { SposBlock } from '../supernets/spos/spos-blocks';

/**
 * Modules whose output is a cut of the network: every input-to-output path crosses it exactly
 * once and nothing else reads its input downstream (NB201 cells and reduction blocks, SPOS
 * choice blocks, NDS residual blocks). Synflow may rescale such outputs by a constant without
 * changing anything but a global factor. Spaces with cross-cell inputs (DARTS) have none.
 */
export function synflowCuts(root: Module): Module[] {
  const out: Module[] = [];
  for (const m of root.walk()) if (m instanceof Nb201Cell || m instanceof Nb201ResBlock || m instanceof SposBlock || m instanceof NdsBlock) out.push(m);
  return out;
}
