import type { CheckpointEntry } from '../api/types';
import { formatNumber } from '../lib/format';

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The checkpoints of a supernet experiment, newest last; a corrupt one shows its error. */
export function CheckpointTable({ checkpoints }: { checkpoints: readonly CheckpointEntry[] }) {
  if (checkpoints.length === 0) return <p className="muted" data-testid="checkpoints-empty">No checkpoint written yet; they appear here as training saves them.</p>;
  return (
    <table className="grid compact" data-testid="checkpoints">
      <thead>
        <tr><th>epoch</th><th>folder</th><th className="num">train loss</th><th className="num">train acc</th><th className="num">val acc</th><th className="num">val loss</th><th className="num">lr</th><th>written</th></tr>
      </thead>
      <tbody>
        {checkpoints.map((c) => (
          <tr key={c.name} data-checkpoint={c.name} className={c.error ? 'bad' : undefined}>
            <td>{c.epoch}</td>
            <td><code title={c.dir}>{c.name}</code>{c.error && <div className="error-line" data-testid="checkpoint-error">{c.error}</div>}</td>
            <td className="num">{formatNumber(c.metrics.train_loss)}</td>
            <td className="num">{formatNumber(c.metrics.train_acc)}</td>
            <td className="num">{formatNumber(c.metrics.val_acc)}</td>
            <td className="num">{formatNumber(c.metrics.val_loss)}</td>
            <td className="num">{formatNumber(c.metrics.lr)}</td>
            <td>{when(c.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
