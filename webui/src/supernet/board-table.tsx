import type { BoardSnapshot, SearchSpace } from '../api/types';
import { formatNumber, valueText } from '../lib/format';

/** The choice keys of a search space in order (the order board `arch` indices follow). */
function choiceKeys(space: SearchSpace): string[] {
  return Object.keys(space).filter((k) => !k.startsWith('_') && (space[k]._type === 'choice' || space[k]._type === 'layer_choice'));
}

/** `arch` as "key=value" pairs when the indices fit the space's choices, else the raw indices. Pure. */
export function archText(arch: readonly number[], space: SearchSpace): string {
  const keys = choiceKeys(space);
  if (keys.length !== arch.length) return `[${arch.join(', ')}]`;
  return arch.map((i, j) => {
    const spec = space[keys[j]];
    const values = spec._type === 'choice' || spec._type === 'layer_choice' ? (spec._value as unknown[]) : [];
    return i >= 0 && i < values.length ? `${keys[j]}=${valueText(values[i])}` : `${keys[j]}=#${i}`;
  }).join('  ');
}

/** Cream's prioritized board: rank, architecture, top-1 (%) and MFLOPs, as last written. */
export function BoardTable({ board, space }: { board: BoardSnapshot; space: SearchSpace }) {
  const rows = [...board.entries].sort((a, b) => b.prec1 - a.prec1);
  return (
    <>
      <p className="muted" data-testid="board-meta">epoch {board.epoch}, step {board.step}{board.updatedAt ? `, updated ${new Date(board.updatedAt).toLocaleString()}` : ''}</p>
      <table className="grid compact" data-testid="board">
        <thead><tr><th>rank</th><th>architecture</th><th className="num">prec@1 (%)</th><th className="num">MFLOPs</th></tr></thead>
        <tbody>
          {rows.map((e, i) => (
            <tr key={`${i}:${e.arch.join(',')}`} data-board-rank={i + 1}>
              <td>{i + 1}</td>
              <td className="params-cell"><code title={`[${e.arch.join(', ')}]`}>{archText(e.arch, space)}</code></td>
              <td className="num">{formatNumber(e.prec1)}</td>
              <td className="num">{formatNumber(e.flops)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
