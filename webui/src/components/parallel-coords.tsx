import { useEffect, useRef } from 'react';

/** One axis: categorical (values listed) or numeric (min..max). */
export interface PcAxis {
  label: string;
  categories?: string[];
  min?: number;
  max?: number;
}

/** Props: axes, and per line one value per axis (category text or number; null = missing). */
export interface ParallelCoordsProps {
  axes: PcAxis[];
  lines: Array<Array<string | number | null>>;
  /** 0..1 per line, for the color (e.g. normalized metric, 1 = best). */
  colors: number[];
  height?: number;
}

function colorOf(v: number, alpha: number): string {
  // blue (worst) -> yellow (best)
  const h = 240 - 190 * Math.max(0, Math.min(1, v));
  return `hsla(${h}, 85%, 55%, ${alpha})`;
}

/**
 * Parallel coordinates over the choices, drawn on a canvas (thousands of lines stay fast):
 * one vertical axis per choice (candidates spread evenly) and a last metric axis; each trial a
 * polyline colored by its metric. Redraws on data, size or theme change.
 */
export function ParallelCoords({ axes, lines, colors, height = 320 }: ParallelCoordsProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const draw = () => {
      const dpr = window.devicePixelRatio || 1;
      const w = canvas.clientWidth;
      canvas.width = w * dpr;
      canvas.height = height * dpr;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.scale(dpr, dpr);
      ctx.clearRect(0, 0, w, height);
      const top = 30;
      const bottom = height - 20;
      const left = 40;
      const step = axes.length > 1 ? (w - left - 60) / (axes.length - 1) : 0;
      const pos = (a: PcAxis, v: string | number | null): number | null => {
        if (v === null) return null;
        if (a.categories) {
          const i = a.categories.indexOf(String(v));
          if (i < 0) return null;
          return a.categories.length === 1 ? (top + bottom) / 2 : bottom - (i / (a.categories.length - 1)) * (bottom - top);
        }
        const lo = a.min ?? 0;
        const hi = a.max ?? 1;
        return hi === lo ? (top + bottom) / 2 : bottom - ((Number(v) - lo) / (hi - lo)) * (bottom - top);
      };
      const alpha = Math.max(0.12, Math.min(0.9, 60 / Math.max(1, lines.length)));
      ctx.lineWidth = lines.length < 100 ? 2 : 1;
      lines.forEach((line, li) => {
        ctx.strokeStyle = colorOf(colors[li] ?? 0, alpha);
        ctx.beginPath();
        let started = false;
        line.forEach((v, ai) => {
          const y = pos(axes[ai], v);
          if (y === null) {
            started = false;
            return;
          }
          const x = left + ai * step;
          if (started) ctx.lineTo(x, y);
          else ctx.moveTo(x, y);
          started = true;
        });
        ctx.stroke();
      });
      const fg = getComputedStyle(document.documentElement).getPropertyValue('--fg').trim() || '#222';
      ctx.fillStyle = fg;
      ctx.strokeStyle = fg;
      ctx.font = '11px system-ui, sans-serif';
      axes.forEach((a, ai) => {
        const x = left + ai * step;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.stroke();
        ctx.textAlign = 'center';
        ctx.fillText(a.label.length > 16 ? `${a.label.slice(0, 15)}…` : a.label, x, top - 12);
        ctx.textAlign = 'left';
        if (a.categories) {
          if (a.categories.length <= 12) a.categories.forEach((c) => ctx.fillText(c.slice(0, 10), x + 3, (pos(a, c) ?? 0) + 4));
        } else {
          ctx.fillText(String(Number((a.max ?? 1).toPrecision(3))), x + 3, top + 4);
          ctx.fillText(String(Number((a.min ?? 0).toPrecision(3))), x + 3, bottom);
        }
      });
    };
    draw();
    const ro = new ResizeObserver(draw);
    ro.observe(canvas);
    window.addEventListener('nasctl-theme', draw);
    return () => {
      ro.disconnect();
      window.removeEventListener('nasctl-theme', draw);
    };
  }, [axes, lines, colors, height]);
  return <canvas ref={ref} className="pc-canvas" style={{ width: '100%', height }} data-testid="parallel-coords" />;
}
