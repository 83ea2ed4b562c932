// Log volume over the range, stacked by level. Drag across it to zoom into that span; hover a bar
// for its counts.
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { formatShort, formatTick, roundTicks } from '../lib/time.ts';
import { useI18n, useT } from '../i18n/I18nProvider.tsx';
import { LEVELS, type Histogram as HistogramData } from '../lib/types.ts';

const HEIGHT = 96;
const AXIS = 18;

export function Histogram({
  data,
  fromMs,
  toMs,
  loading,
  onZoom,
}: {
  data: HistogramData | undefined;
  fromMs: number;
  toMs: number;
  loading: boolean;
  onZoom: (fromMs: number, toMs: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [drag, setDrag] = useState<{ start: number; end: number } | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const t = useT();
  useI18n(); // ticks and tooltips follow the display zone: re-render when it changes

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(100, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const span = Math.max(1, toMs - fromMs);
  const x = (ms: number): number => ((ms - fromMs) / span) * width;
  const msAt = (px: number): number => fromMs + (Math.min(Math.max(px, 0), width) / width) * span;
  const buckets = data?.buckets ?? [];
  const interval = data?.interval_ms ?? span / 60;
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const barWidth = Math.max(1, (interval / span) * width - 1);
  const chart = HEIGHT - AXIS;
  const total = buckets.reduce((sum, b) => sum + b.total, 0);

  const localX = (event: PointerEvent): number =>
    event.clientX - (box.current?.getBoundingClientRect().left ?? 0);

  const { ticks, stepMs } = roundTicks(fromMs, toMs, Math.max(2, Math.floor(width / 110)));
  const hovered = hover !== null ? buckets[hover] : undefined;

  return (
    <div className="histogram">
      <div className="histogram-head">
        <span className="histogram-total">
          {loading && !data ? t('histogram.counting') : t('histogram.logs', { count: total })}
        </span>
        <span className="histogram-legend">
          {LEVELS.slice()
            .reverse()
            .map((level) => (
              <span key={level} className="legend-item">
                <i className={`swatch level-bg-${level}`} />
                <span translate="no">{level}</span>
              </span>
            ))}
        </span>
        <span className="muted small histogram-hint">{t('histogram.dragToZoom')}</span>
      </div>
      <div
        ref={box}
        className={`histogram-plot${loading ? ' is-loading' : ''}`}
        data-testid="histogram"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          const px = localX(event);
          setDrag({ start: px, end: px });
        }}
        onPointerMove={(event) => {
          const px = localX(event);
          if (drag) setDrag({ ...drag, end: px });
          const index = buckets.findIndex(
            (b) => px >= x(Date.parse(b.ts)) && px < x(Date.parse(b.ts) + interval),
          );
          setHover(index >= 0 ? index : null);
        }}
        onPointerLeave={() => setHover(null)}
        onPointerUp={() => {
          if (drag && Math.abs(drag.end - drag.start) > 4) {
            const a = msAt(Math.min(drag.start, drag.end));
            const b = msAt(Math.max(drag.start, drag.end));
            onZoom(Math.floor(a), Math.ceil(b));
          }
          setDrag(null);
        }}
        onPointerCancel={() => setDrag(null)}
      >
        <svg width={width} height={HEIGHT} role="img" aria-label={t('histogram.label')}>
          <line className="axis-line" x1={0} x2={width} y1={chart + 0.5} y2={chart + 0.5} />
          {buckets.map((bucket, index) => {
            const left = x(Date.parse(bucket.ts));
            let y = chart;
            return (
              <g key={bucket.ts} className={hover === index ? 'bar hovered' : 'bar'}>
                {LEVELS.map((level) => {
                  const count = bucket.levels[level] ?? 0;
                  if (!count) return null;
                  const h = Math.max(1, (count / max) * (chart - 4));
                  y -= h;
                  return (
                    <rect
                      key={level}
                      className={`level-fill-${level}`}
                      x={left}
                      y={y}
                      width={barWidth}
                      height={h}
                    />
                  );
                })}
                {otherCount(bucket) > 0 && (
                  <rect
                    className="level-fill-other"
                    x={left}
                    y={y - Math.max(1, (otherCount(bucket) / max) * (chart - 4))}
                    width={barWidth}
                    height={Math.max(1, (otherCount(bucket) / max) * (chart - 4))}
                  />
                )}
              </g>
            );
          })}
          {ticks.map((ms) => (
            <text key={ms} className="axis-label" x={x(ms)} y={HEIGHT - 4} textAnchor="middle">
              {formatTick(ms, stepMs)}
            </text>
          ))}
          {drag && (
            <rect
              className="drag-selection"
              x={Math.min(drag.start, drag.end)}
              y={0}
              width={Math.abs(drag.end - drag.start)}
              height={chart}
            />
          )}
        </svg>
        {hovered && !drag && (
          <div
            className="histogram-tooltip"
            style={{ left: Math.min(Math.max(x(Date.parse(hovered.ts)), 80), width - 80) }}
          >
            <div className="tooltip-time">{formatShort(Date.parse(hovered.ts))}</div>
            <div>
              <strong>{t('histogram.logs', { count: hovered.total })}</strong>
            </div>
            {LEVELS.filter((l) => hovered.levels[l]).map((level) => (
              <div key={level} className="tooltip-row">
                <i className={`swatch level-bg-${level}`} />
                <span translate="no">{level}</span>{' '}
                <span>{t('number', { value: hovered.levels[level]! })}</span>
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

/** Rows whose level is outside the six canonical ones still count in the bar. */
function otherCount(bucket: HistogramData['buckets'][number]): number {
  const known = LEVELS.reduce((sum, level) => sum + (bucket.levels[level] ?? 0), 0);
  return Math.max(0, bucket.total - known);
}
