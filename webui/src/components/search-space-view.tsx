import type { SearchSpace } from '../api/types';
import { valueText } from '../lib/format';

/** The search space as a table: key, type, candidates or range. */
export function SearchSpaceView({ space }: { space: SearchSpace }) {
  const entries = Object.entries(space).filter(([k]) => !k.startsWith('_'));
  if (entries.length === 0) return <p className="muted">empty</p>;
  return (
    <div className="scroll-y">
      <table className="grid compact" data-testid="search-space">
        <thead><tr><th>key</th><th>type</th><th>values</th></tr></thead>
        <tbody>
          {entries.map(([k, s]) => (
            <tr key={k}>
              <td><code>{k}</code></td>
              <td>{s._type}</td>
              <td className="params-cell">{Array.isArray(s._value)
                ? s._value.map(valueText).join(', ')
                : `${s._value.n_chosen} of ${s._value.candidates.join(', ')}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
