// One panel's body: it loads its data for the dashboard's range (again on every refresh tick) and
// draws it by type. Clicking a point, a bar, a row or a slice opens the explorer on that filter.
import { useEffect, useMemo, useState, type ReactNode, type TdHTMLAttributes } from 'react';

import { useT } from '../../i18n/I18nProvider.tsx';
import { errorMessage, isAbort } from '../../lib/api.ts';
import {
  explorerLink,
  formatNumber,
  formatValue,
  groupIsData,
  groupLabel,
  loadPanel,
  type Panel,
  type PanelData,
  type Row,
  type Variable,
} from '../../lib/dashboards.ts';
import { navigate } from '../../lib/router.tsx';
import { formatRowTime, type TimeRange } from '../../lib/time.ts';
import { LevelBadge, Spinner } from '../ui.tsx';
import { PALETTE, TimeSeriesChart } from './TimeSeriesChart.tsx';

type TdProps = TdHTMLAttributes<HTMLTableCellElement>;

export interface PanelContext {
  orgId: string;
  range: TimeRange;
  values: Record<string, string>;
  variables: readonly Variable[];
  appNames: ReadonlyMap<string, string>;
  /** Bumped by the refresh interval. */
  tick: number;
}

export function PanelView({ panel, ctx }: { panel: Panel; ctx: PanelContext }) {
  const t = useT();
  const [state, setState] = useState<{ data?: PanelData; error?: string; loading: boolean }>({
    loading: true,
  });
  const key = JSON.stringify([panel.type, panel.query, ctx.range, ctx.values, ctx.tick, ctx.orgId]);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    loadPanel(ctx.orgId, panel, ctx.range, ctx.values, ctx.variables, controller.signal).then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => {
        if (!isAbort(error)) setState({ error: errorMessage(error), loading: false });
      },
    );
    return () => controller.abort();
    // `key` stands for the inputs that change what the panel shows.
  }, [key]);

  if (panel.type === 'markdown') return <MarkdownText text={String(panel.options?.text ?? '')} />;
  if (state.error) return <p className="form-error panel-error">{state.error}</p>;
  if (!state.data)
    return (
      <div className="center-fill">
        <Spinner />
      </div>
    );
  const open = (group: Record<string, string> | null, range: TimeRange = ctx.range) =>
    navigate(explorerLink(panel, group, range, ctx.values, ctx.variables));
  const data = state.data;
  if (data.kind === 'logs') return <LogsList rows={data.rows} />;
  if (data.kind !== 'answer') return null;
  const unit = panel.options?.unit;
  const format = (v: number | null) => formatValue(v, unit);
  const { answer } = data;

  if (panel.type === 'timeseries') {
    const series = answer.series ?? [];
    if (series.length === 0)
      return <p className="muted panel-empty">{t('dashboards.panel.noData')}</p>;
    const times = (series[0]?.points ?? []).map((p) => Date.parse(p.ts) / 1000);
    const chartSeries = series.map((s) => ({
      label: groupLabel(s.group, s.other, ctx.appNames),
      data: groupIsData(s.group, s.other),
      values: s.points.map((p) => p.values[0] ?? null),
    }));
    const style = (panel.options?.style as 'line' | 'area' | 'bars' | undefined) ?? 'line';
    return (
      <div className="panel-chart">
        <TimeSeriesChart
          times={times}
          series={chartSeries}
          style={style}
          stacked={panel.options?.stacked === true}
          format={format}
          onPick={(index, seriesIndex) => {
            const start = times[index] as number;
            const range = {
              from: new Date(start * 1000).toISOString(),
              to: new Date(start * 1000 + (answer.interval_ms ?? 60_000)).toISOString(),
            };
            const picked = seriesIndex === null ? undefined : series[seriesIndex];
            open(picked && !picked.other ? picked.group : null, range);
          }}
        />
        {series.length > 1 && (
          <div className="chart-legend">
            {chartSeries.map((s, i) => (
              <span key={s.label + i} translate={s.data ? 'no' : undefined}>
                <i style={{ background: PALETTE[i % PALETTE.length] }} />
                {s.label}
              </span>
            ))}
          </div>
        )}
      </div>
    );
  }
  const rows = answer.rows ?? [];
  if (panel.type === 'stat') {
    const value = rows[0]?.values[0] ?? null;
    const before = data.previous?.rows?.[0]?.values[0] ?? null;
    const change =
      value !== null && before !== null && before !== 0 ? ((value - before) / before) * 100 : null;
    return (
      <button className="stat" onClick={() => open(null)} data-testid="stat-value">
        <strong>{format(value)}</strong>
        {change !== null && (
          <span className={change > 0 ? 'stat-up' : 'stat-down'}>
            {change > 0 ? '▲' : '▼'}{' '}
            {t('dashboards.panel.vsPrevious', {
              change: formatNumber(Math.abs(change) / 100, {
                style: 'percent',
                minimumFractionDigits: 1,
                maximumFractionDigits: 1,
              }),
            })}
          </span>
        )}
        {data.previous && change === null && (
          <span className="muted small">{t('dashboards.panel.noPrevious')}</span>
        )}
      </button>
    );
  }
  if (rows.length === 0) return <p className="muted panel-empty">{t('dashboards.panel.noData')}</p>;
  if (panel.type === 'top_list')
    return <TopList rows={rows} ctx={ctx} format={format} onOpen={open} />;
  if (panel.type === 'pie') return <Pie rows={rows} ctx={ctx} format={format} onOpen={open} />;
  return <DataTable panel={panel} rows={rows} ctx={ctx} format={format} onOpen={open} />;
}

type RowsProps = {
  rows: Row[];
  ctx: PanelContext;
  format: (v: number | null) => string;
  onOpen: (group: Record<string, string> | null) => void;
};

function TopList({ rows, ctx, format, onOpen }: RowsProps) {
  const max = Math.max(...rows.map((r) => r.values[0] ?? 0), 1);
  return (
    <ol className="top-list">
      {rows.map((r, i) => (
        <li key={i}>
          <button onClick={() => onOpen(r.other ? null : r.group)}>
            <span className="top-bar" style={{ width: `${((r.values[0] ?? 0) / max) * 100}%` }} />
            <span
              className="top-label"
              translate={groupIsData(r.group, r.other) ? 'no' : undefined}
            >
              {groupLabel(r.group, r.other, ctx.appNames)}
            </span>
            <span className="top-value">{format(r.values[0] ?? null)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

function DataTable({ panel, rows, ctx, format, onOpen }: RowsProps & { panel: Panel }) {
  const t = useT();
  const groupBy = panel.query?.group_by ?? [];
  const measures = panel.query?.measures ?? [];
  const named = panel.options?.columns as string[] | undefined;
  const heads = [
    ...groupBy,
    ...measures.map((m) => (m.field ? `${m.op}(${m.field})` : m.op)),
    ...(panel.query?.source === 'ingest' && measures.length === 0
      ? [t('dashboards.panel.value'), t('dashboards.panel.value2')]
      : []),
  ];
  const width = Math.max(...rows.map((r) => groupBy.length + r.values.length));
  return (
    <div className="panel-table">
      <table className="table compact">
        <thead>
          <tr>
            {Array.from({ length: width }, (_, i) => (
              // Field names and measures are query language; only the ingest columns are words.
              <th
                key={i}
                translate={!named && i < groupBy.length + measures.length ? 'no' : undefined}
              >
                {named?.[i] ?? heads[i] ?? ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const openRow = () => onOpen(r.other ? null : r.group);
            const cells: { key: string; content: ReactNode; props: TdProps }[] =
              r.other || r.group === null
                ? [
                    {
                      key: 'other',
                      content: t('dashboards.panel.other'),
                      props: { colSpan: Math.max(1, groupBy.length) },
                    },
                  ]
                : Object.entries(r.group).map(([k, v]) => ({
                    key: `g-${k}`,
                    content:
                      k === 'app'
                        ? (ctx.appNames.get(v) ?? v)
                        : v === ''
                          ? t('dashboards.panel.none')
                          : v,
                    props: { className: 'mono', translate: v === '' ? undefined : 'no' },
                  }));
            cells.push(
              ...r.values.map((v, j) => ({
                key: `m-${j}`,
                content: format(v),
                props: { className: 'num' },
              })),
            );
            return (
              <tr key={i} onClick={openRow} className="clickable">
                {cells.map((cell, n) => (
                  <td key={cell.key} {...cell.props}>
                    {n === 0 ? (
                      // The row opens by click; this is its keyboard (and screen reader) handle.
                      <button
                        type="button"
                        className="row-toggle"
                        onClick={(event) => {
                          event.stopPropagation();
                          openRow();
                        }}
                      >
                        {cell.content}
                      </button>
                    ) : (
                      cell.content
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A pie in plain SVG: slices are arcs of the first measure's share. */
function Pie({ rows, ctx, format, onOpen }: RowsProps) {
  const t = useT();
  const total = rows.reduce((n, r) => n + Math.max(0, r.values[0] ?? 0), 0);
  const slices = useMemo(() => {
    let angle = -Math.PI / 2;
    return rows.map((r, i) => {
      const share = total > 0 ? Math.max(0, r.values[0] ?? 0) / total : 0;
      const start = angle;
      angle += share * Math.PI * 2;
      const large = share > 0.5 ? 1 : 0;
      const [x1, y1, x2, y2] = [Math.cos(start), Math.sin(start), Math.cos(angle), Math.sin(angle)];
      const d =
        share >= 0.9999
          ? 'M 0 -1 A 1 1 0 1 1 -0.001 -1 Z'
          : `M 0 0 L ${x1} ${y1} A 1 1 0 ${large} 1 ${x2} ${y2} Z`;
      return { d, color: PALETTE[i % PALETTE.length] as string, row: r, share };
    });
  }, [rows, total]);
  return (
    <div className="pie">
      <svg viewBox="-1.05 -1.05 2.1 2.1" role="img" aria-label={t('dashboards.panel.pie')}>
        {slices.map((s, i) => (
          <path
            key={i}
            d={s.d}
            fill={s.color}
            onClick={() => onOpen(s.row.other ? null : s.row.group)}
          >
            <title>{`${groupLabel(s.row.group, s.row.other, ctx.appNames)}: ${format(s.row.values[0] ?? null)}`}</title>
          </path>
        ))}
      </svg>
      <ul className="chart-legend vertical">
        {slices.map((s, i) => (
          <li key={i}>
            <i style={{ background: s.color }} />
            <span translate={groupIsData(s.row.group, s.row.other) ? 'no' : undefined}>
              {groupLabel(s.row.group, s.row.other, ctx.appNames)}
            </span>{' '}
            ·{' '}
            {formatNumber(s.share, {
              style: 'percent',
              minimumFractionDigits: 1,
              maximumFractionDigits: 1,
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}

function LogsList({
  rows,
}: {
  rows: { id: string; ts: string; level: string; service: string; message: string }[];
}) {
  const t = useT();
  if (rows.length === 0) return <p className="muted panel-empty">{t('dashboards.panel.noLogs')}</p>;
  return (
    <ul className="panel-logs">
      {rows.map((r) => {
        const time = formatRowTime(r.ts);
        return (
          <li key={r.id}>
            <span className="mono muted">{time.time}</span> <LevelBadge level={r.level} />{' '}
            <span className="muted" translate="no">
              {r.service}
            </span>{' '}
            <span className="mono" translate="no">
              {r.message}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** Markdown-lite as text: `#` headings and paragraphs, never HTML. */
function MarkdownText({ text }: { text: string }) {
  return (
    <div className="panel-markdown" translate="no">
      {text.split(/\n{2,}/).map((block, i) => {
        const heading = /^(#{1,3})\s+(.*)$/s.exec(block);
        if (heading) return <h3 key={i}>{heading[2]}</h3>;
        return <p key={i}>{block}</p>;
      })}
    </div>
  );
}
