import { Fragment } from 'react';
import type { Architecture, ArchBlock } from '../lib/architecture';
import { formatNumber } from '../lib/format';

const W = 168;
const H = 74;
const GAP_X = 28;
const GAP_Y = 34;
const COLS = 5;

/** Stable hue of a candidate name, so the same op has the same color in every trial. */
function hue(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 360;
  return h;
}

function trimText(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function Block({ b, x, y, index }: { b: ArchBlock; x: number; y: number; index: number }) {
  const chosen = b.chosen.length > 0 ? b.chosen.join(', ') : '(not chosen)';
  const fill = b.kind === 'param' ? 'var(--panel-2)' : `hsl(${hue(chosen)} 55% var(--block-l))`;
  const cw = b.candidates.length > 0 ? Math.min(14, (W - 20) / b.candidates.length) : 0;
  return (
    <g transform={`translate(${x},${y})`} className={`arch-block arch-${b.kind}`} data-key={b.key}>
      <title>{`${b.key} (${b.kind === 'layer' ? 'layer choice' : b.kind === 'input' ? 'input choice' : 'parameter'}): ${chosen}${b.candidates.length ? `\ncandidates: ${b.candidates.join(', ')}` : ''}${b.flops !== undefined ? `\nFLOPs ${formatNumber(b.flops)}, params ${formatNumber(b.params)}` : ''}`}</title>
      <rect width={W} height={H} rx={8} fill={fill} stroke="var(--border-strong)" />
      <text x={8} y={15} className="arch-key">{trimText(`${index + 1}. ${b.key}`, 26)}</text>
      <text x={8} y={36} className="arch-chosen">{trimText(chosen, 20)}</text>
      {b.candidates.map((c, i) => (
        <rect key={c + i} x={8 + i * cw} y={46} width={Math.max(2, cw - 2)} height={8} rx={1}
          fill={b.chosen.includes(c) ? 'var(--fg)' : 'none'} stroke="var(--fg-muted)" strokeWidth={0.6}>
          <title>{c}</title>
        </rect>
      ))}
      {b.flops !== undefined && <text x={8} y={68} className="arch-cost">{`${formatNumber(b.flops)} FLOPs`}</text>}
    </g>
  );
}

/**
 * Hyperparameter-like choices (kind 'param': not a layer or input choice of the space), listed
 * apart from the layer chain so they do not read as layers: key, chosen value, candidates.
 */
function HyperParameters({ blocks }: { blocks: readonly ArchBlock[] }) {
  return (
    <div className="arch-hparams" data-testid="arch-hparams">
      <h4>hyperparameters</h4>
      <dl className="kv">
        {blocks.map((b) => {
          const chosen = b.chosen.length > 0 ? b.chosen.join(', ') : '(not chosen)';
          const all = b.candidates.join(', ');
          const candidates = b.candidates.length > 0 ? `candidates: ${all}` : undefined;
          return (
            <Fragment key={b.key}>
              <dt>{b.key}</dt>
              <dd className="arch-hparam" data-key={b.key} title={candidates}>
                <code>{chosen}</code>{b.candidates.length > 1 && all.length <= 40 && <span className="muted small"> of {all}</span>}
              </dd>
            </Fragment>
          );
        })}
      </dl>
    </div>
  );
}

/**
 * A trial's architecture: an SVG chain input → layers → output in reading order, one box per
 * layer or input choice (its chosen candidate, the candidate strip with the chosen one filled, and
 * its cost), and beside it the other choices (hyperparameters such as a learning rate) as a list,
 * since they are not layers. A space with no layer/input choice shows only the list.
 */
export function ArchDiagram({ arch }: { arch: Architecture }) {
  const layers = arch.blocks.filter((b) => b.kind !== 'param');
  const hyper = arch.blocks.filter((b) => b.kind === 'param');
  return (
    <div className="arch">
      {layers.length > 0 && <LayerChain blocks={layers} />}
      {hyper.length > 0 && <HyperParameters blocks={hyper} />}
    </div>
  );
}

function LayerChain({ blocks }: { blocks: readonly ArchBlock[] }) {
  const nodes: Array<{ label: string; block?: ArchBlock }> = [{ label: 'input' }, ...blocks.map((b) => ({ label: b.key, block: b })), { label: 'output' }];
  const pos = nodes.map((_, i) => {
    const row = Math.floor(i / COLS);
    const colInRow = i % COLS;
    const col = row % 2 === 0 ? colInRow : COLS - 1 - colInRow; // snake, so arrows stay short
    return { x: 10 + col * (W + GAP_X), y: 10 + row * (H + GAP_Y) };
  });
  const rows = Math.ceil(nodes.length / COLS);
  const width = 20 + COLS * W + (COLS - 1) * GAP_X;
  const height = 20 + rows * H + (rows - 1) * GAP_Y;
  const arrows = pos.slice(1).map((p, i) => {
    const a = pos[i];
    if (a.y === p.y) {
      const right = p.x > a.x;
      const x1 = right ? a.x + W : a.x;
      const x2 = right ? p.x : p.x + W;
      return `M${x1},${a.y + H / 2} L${x2},${p.y + H / 2}`;
    }
    return `M${a.x + W / 2},${a.y + H} L${p.x + W / 2},${p.y}`;
  });
  let blockIndex = 0;
  return (
    <svg className="arch-diagram" data-testid="arch-diagram" viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width }} role="img"
      aria-label={`architecture with ${blocks.length} layer choices`}>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill="var(--fg-muted)" />
        </marker>
      </defs>
      {arrows.map((d, i) => <path key={i} d={d} stroke="var(--fg-muted)" strokeWidth={1.5} fill="none" markerEnd="url(#arrow)" />)}
      {nodes.map((n, i) => n.block
        ? <Block key={n.label} b={n.block} x={pos[i].x} y={pos[i].y} index={blockIndex++} />
        : (
          <g key={n.label + i} transform={`translate(${pos[i].x},${pos[i].y})`}>
            <rect width={W} height={H} rx={H / 2} fill="var(--panel-2)" stroke="var(--border-strong)" strokeDasharray="4 3" />
            <text x={W / 2} y={H / 2 + 5} textAnchor="middle" className="arch-chosen">{n.label}</text>
          </g>
        ))}
    </svg>
  );
}
