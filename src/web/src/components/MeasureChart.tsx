// A measure over time with its alert threshold, drawn with uPlot (small, canvas-based, fast with
// thousands of points; the dashboards use it too).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' }, size: 56 },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          spanGaps: false,
        })),
        ...(threshold === null
          ? []
          : [{ label: 'threshold', stroke: '#f26d6d', width: 1, dash: [6, 4] }]),
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
