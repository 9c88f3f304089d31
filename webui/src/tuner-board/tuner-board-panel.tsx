import type { ExperimentConfig, ParameterValue, TunerBoardResult } from '../api/types';
import { useExperiment } from '../live/experiment-context';
import { Link } from '../routing/router';
import { formatNumber, formatParameter, formatTime } from '../lib/format';
import { keepsTunerBoard } from './board-refresh';
import { useTunerBoard } from './use-tuner-board';

/**
 * The PrioritizedPath (Cream) tuner's prioritized board on the overview: rank, trial,
 * architecture, metric, FLOPs and when each path joined, best first, live as trials finish. For
 * another tuner, or before any path qualifies, a line says why there is no board.
 */
export function TunerBoardPanel({ config }: { config: ExperimentConfig }) {
  if (keepsTunerBoard(config)) return <LiveTunerBoard />;
  return (
    <section className="card">
      <BoardHead />
      <p className="muted" data-testid="tuner-board-none">
        Tuner <code>{config.tuner.name}</code> keeps no prioritized board: only <code>PrioritizedPath</code> (Cream's search) does.
        A supernet trained with <code>--strategy cream</code> shows its own board in the Supernet tab.
      </p>
    </section>
  );
}

/** The card's title, with how full the board is once it is loaded. */
function BoardHead({ board }: { board?: TunerBoardResult | undefined }) {
  return (
    <div className="card-head">
      <h3>Prioritized board</h3>
      {board && <span className="muted" data-testid="tuner-board-meta">{board.entries.length} of {board.boardSize} paths, from {board.considered} finished {board.considered === 1 ? 'trial' : 'trials'}</span>}
    </div>
  );
}

/** The board of an experiment whose tuner keeps one, loaded and kept live by useTunerBoard. */
function LiveTunerBoard() {
  const { id } = useExperiment();
  const { board, error } = useTunerBoard();
  return (
    <section className="card">
      <BoardHead board={board} />
      {error && <div className="error-box">{error}</div>}
      {!board ? (!error && <p className="muted">loading…</p>) : board.entries.length === 0 ? (
        <p className="muted" data-testid="tuner-board-empty">
          No path on the board yet: a trial joins it when it finishes with a final metric (within the FLOPs window, if the
          config sets one) and the board has room or it beats the worst path.
        </p>
      ) : (
        <table className="grid compact" data-testid="tuner-board">
          <thead><tr><th>rank</th><th>trial</th><th>architecture</th><th className="num">metric</th><th className="num">FLOPs</th><th>added</th></tr></thead>
          <tbody>
            {board.entries.map((e, i) => (
              <tr key={e.trialId} data-board-trial={e.trialId}>
                <td>{i + 1}</td>
                <td><Link to={{ page: 'trial', experimentId: id, trialId: e.trialId }}><code>{e.trialId}</code></Link></td>
                <td className="params-cell">{Object.entries(e.parameters).map(([k, v]) => `${k}=${formatParameter(v as ParameterValue)}`).join('  ')}</td>
                <td className="num">{formatNumber(e.metric)}</td>
                <td className="num">{e.flops === null ? '–' : formatNumber(e.flops)}</td>
                <td>{formatTime(e.addedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
