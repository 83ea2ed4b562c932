// Time series with uPlot: small (~50 KB), no dependencies, and fast on thousands of points since
// it draws on a canvas, which is what dashboards with a dozen charts refreshing every 10 s need.
// Lines, areas or bars, optionally stacked (drawn as running sums, largest first, so each band
// shows its own share; the legend shows each series' own value). Colours follow the theme.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatTick } from '../../lib/time.ts';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

export const PALETTE = [
  '#8b6cff',
  '#36c98c',
  '#5aa2ff',
  '#f2b63c',
  '#f26363',
  '#e35cf0',
  '#4fd1c5',
  '#ff8a4c',
  '#a3b1c9',
  '#c6e86b',
];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function TimeSeriesChart({
  times,
  series,
  style,
  stacked,
  format,
  onPick,
}: {
  /** Bucket starts, epoch seconds. */
  times: number[];
  series: ChartSeries[];
  style: 'line' | 'area' | 'bars';
  stacked: boolean;
  format: (v: number | null) => string;
  /** A click on the plot: the bucket's index and the series under the cursor (or null). */
  onPick?: (index: number, seriesIndex: number | null) => void;
}) {
  const root = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  const draw = useRef<() => void>(() => undefined);
  draw.current = () => {
    const el = root.current;
    if (!el) return;
    plot.current?.destroy();
    const width = Math.max(120, el.clientWidth);
    const height = Math.max(80, el.clientHeight);
    const text = cssVar('--muted');
    const grid = cssVar('--border');
    // Stacked: running sums, drawn from the top band down so each smaller one paints over it.
    const drawn = series.map((s) => s.values.map((v) => v ?? 0));
    if (stacked)
      for (let i = 1; i < drawn.length; i++) {
        const below = drawn[i - 1] as number[];
        drawn[i] = (drawn[i] as number[]).map((v, j) => v + (below[j] ?? 0));
      }
    const order = stacked ? series.map((_, i) => series.length - 1 - i) : series.map((_, i) => i);
    const bars = style === 'bars' ? uPlot.paths.bars?.({ size: [0.8, 60] }) : undefined;
    const opts: uPlot.Options = {
      width,
      height,
      padding: [8, 8, 0, 0],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, focus: { prox: 24 } },
      focus: { alpha: 0.4 },
      scales: { x: { time: true } },
      axes: [
        {
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          // uPlot's own labels are English month names in the browser's zone.
          values: (_u, splits, _axis, _space, incr) =>
            splits.map((v) => formatTick(v * 1000, incr * 1000)),
        },
        {
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          size: 56,
          values: (_u, splits) => splits.map((v) => format(v)),
        },
      ],
      series: [
        {},
        ...order.map((i) => {
          const color = PALETTE[i % PALETTE.length] as string;
          return {
            label: series[i]?.label ?? '',
            stroke: color,
            width: style === 'bars' ? 0 : 1.5,
            fill:
              style === 'line' && !stacked
                ? undefined
                : `${color}${style === 'bars' ? 'dd' : '55'}`,
            paths: bars,
            points: { show: false },
            value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) =>
              idx === null ? '' : format(series[i]?.values[idx] ?? null),
          };
        }),
      ],
    };
    const data = [times, ...order.map((i) => drawn[i] as number[])] as uPlot.AlignedData;
    let focused: number | null = null;
    opts.hooks = {
      setSeries: [
        (_u, sidx) => {
          focused = sidx ?? null;
        },
      ],
    };
    const u = new uPlot(opts, data, el);
    u.over.addEventListener('click', () => {
      const idx = u.cursor.idx;
      if (idx === null || idx === undefined) return;
      pick.current?.(idx, focused !== null && focused > 0 ? (order[focused - 1] ?? null) : null);
    });
    plot.current = u;
  };

  useEffect(() => {
    draw.current();
  }, [times, series, style, stacked]);
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      const u = plot.current;
      if (u && el.clientWidth > 0)
        u.setSize({ width: el.clientWidth, height: Math.max(80, el.clientHeight) });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);
  useEffect(() => {
    // Axis and grid colours come from the theme: redraw when it flips.
    const observer = new MutationObserver(() => draw.current());
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    return () => observer.disconnect();
  }, []);

  return <div className="ts-chart" ref={root} data-testid="timeseries-chart" />;
}
