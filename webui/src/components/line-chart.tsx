import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One plotted series. */
export interface ChartSeries {
  label: string;
  color: string;
  /** Points only (scatter), no line. */
  points?: boolean;
  /** Step line (best-so-far). */
  stepped?: boolean;
  /** Markers on a line's points (default: while there are at most 30 points); off for lines over scatter points. */
  markers?: boolean;
  width?: number;
}

/** Props of LineChart: x values and one y array per series (null = gap). */
export interface LineChartProps {
  x: ArrayLike<number>;
  ys: ArrayLike<number | null>[];
  series: ChartSeries[];
  xLabel: string;
  yLabel: string;
  height?: number;
  /** Called with the index of a clicked point (x position), e.g. to open a trial. */
  onPick?: (index: number) => void;
  testId?: string;
  /** x values are whole numbers (trial #, report #): no fractional ticks. */
  integerX?: boolean;
}

const INTEGER_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000];

/** Bumps when the theme changes, so charts redraw with the theme's colors. */
function useThemeVersion(): number {
  const [v, setV] = useState(0);
  useEffect(() => {
    const on = () => setV((x) => x + 1);
    window.addEventListener('nasctl-theme', on);
    return () => window.removeEventListener('nasctl-theme', on);
  }, []);
  return v;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * A uPlot chart (canvas; fast with 100k points) sized to its container. Series are drawn in
 * order, so list a line before the scatter points it would otherwise cover. Recreated when the
 * series set changes; data-only changes call setData, so live updates are cheap.
 */
export function LineChart({ x, ys, series, xLabel, yLabel, height = 260, onPick, testId, integerX }: LineChartProps) {
  const theme = useThemeVersion();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const seriesKey = `${JSON.stringify(series)}${xLabel}${yLabel}${theme}${integerX}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = { stroke: cssVar('--fg-muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid') } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      scales: { x: { time: false } },
      axes: [{ ...axis, label: xLabel, ...(integerX ? { incrs: INTEGER_INCRS } : {}) }, { ...axis, label: yLabel, size: 60 }],
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: xLabel },
        ...series.map((s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? (s.points ? 1 : 1.5),
          spanGaps: !s.points,
          paths: s.stepped ? uPlot.paths.stepped?.({ align: 1 }) : s.points ? () => null : undefined,
          points: s.points ? { show: true, space: 0, size: 5, stroke: s.color, fill: s.color, width: 1 } : { show: s.markers ?? x.length <= 30, size: 5 },
        })),
      ],
      hooks: {
        ready: [(u) => {
          u.over.addEventListener('click', () => {
            const i = u.cursor.idx;
            if (i !== null && i !== undefined) pick.current?.(i);
          });
        }],
      },
    };
    const data = [x, ...ys] as unknown as uPlot.AlignedData;
    const p = new uPlot(opts, data, el);
    plot.current = p;
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seriesKey, height]);

  useEffect(() => {
    plot.current?.setData([x, ...ys] as unknown as uPlot.AlignedData);
  }, [x, ys]);

  let points = 0;
  for (const y of ys) for (let i = 0; i < y.length; i++) if (y[i] !== null) points++;
  return <div className="chart" ref={box} data-testid={testId} data-points={points} />;
}
