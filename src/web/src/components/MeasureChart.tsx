// A measure over time with its alert threshold, drawn with uPlot (small, canvas-based, fast with
// thousands of points; the dashboards use it too).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { t } from '../i18n/display.ts';
import { formatShort, formatTick } from '../lib/time.ts';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

const COLORS = ['#8b6cff', '#3ecf8e', '#f5b942', '#4aa3ff', '#ff7ab6'];

export function MeasureChart({
  times,
  series,
  threshold,
  height = 220,
}: {
  /** Epoch seconds of each point. */
  times: number[];
  series: ChartSeries[];
  threshold: number | null;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [
      times,
      ...series.map((s) => s.values),
      ...(threshold === null ? [] : [times.map(() => threshold)]),
    ];
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.15)' },
          values: (_u, splits, _axis, _space, incr) =>
            splits.map((v) => formatTick(v * 1000, incr * 1000)),
        },
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' }, size: 56 },
      ],
      series: [
        {
          label: t('alerts.chart.time'),
          value: (_u: uPlot, v: number | null) => (v === null ? '' : formatShort(v * 1000)),
        },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          spanGaps: false,
        })),
        ...(threshold === null
          ? []
          : [{ label: t('alerts.chart.threshold'), stroke: '#f26d6d', width: 1, dash: [6, 4] }]),
      ],
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, threshold, height]);
  return <div className="measure-chart" ref={box} />;
}
