// One log line in full: message, fields (each addable as a filter), attributes, resource, trace
// ids, the raw JSON, and the lines around it. Everything is rendered as text.
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../lib/api.ts';
import { formatRowTime } from '../lib/time.ts';
import { useI18n, useT } from '../i18n/I18nProvider.tsx';
import { visibleControlChars, oneLine } from '../lib/text.ts';
import type { LogRow } from '../lib/types.ts';
import { CloseIcon, FilterIcon, ListIcon, MinusCircle } from './icons.tsx';
import { CopyButton, LevelBadge, Spinner, Tabs } from './ui.tsx';

const TABS = ['fields', 'json', 'context'] as const;
type Tab = (typeof TABS)[number];

export function LogDetail({
  row,
  appName,
  onClose,
  onFilter,
}: {
  row: LogRow;
  appName: (id: string) => string;
  onClose: () => void;
  onFilter: (field: string, value: string, exclude: boolean) => void;
}) {
  const t = useT();
  const { display } = useI18n();
  const [tab, setTab] = useState<Tab>('fields');
  useEffect(() => setTab((t) => (t === 'context' ? 'fields' : t)), [row.id]);
  const { date, time } = formatRowTime(row.ts);
  const json = JSON.stringify(row, null, 2);
  const columns: [string, string][] = [
    ['level', row.level],
    ['service', row.service],
    ['host', row.host],
    ['app', appName(row.app_id)],
    ['trace_id', row.trace_id],
    ['span_id', row.span_id],
    ['user_id', row.user_id],
  ];
  return (
    <aside className="detail" aria-label={t('detail.label')}>
      <header className="detail-header">
        <div className="detail-title">
          <LevelBadge level={row.level} />
          <span className="mono">
            {date} {time} <span className="muted">{display.timeZone}</span>
          </span>
          <span className="muted mono detail-ts" title={t('detail.fullTimestamp')} translate="no">
            {row.ts}
          </span>
        </div>
        <div className="detail-actions">
          <CopyButton text={json} label={t('detail.copyJson')} />
          <CopyButton text={location.href} label={t('detail.copyLink')} compact />
          <button
            className="icon-button"
            onClick={onClose}
            aria-label={t('detail.close')}
            title={t('detail.closeTitle')}
          >
            <CloseIcon />
          </button>
        </div>
      </header>
      <pre translate="no" className="detail-message" data-testid="detail-message">
        {visibleControlChars(row.message)}
      </pre>
      <Tabs tabs={TABS} current={tab} onChange={setTab} label={(name) => t(`detail.tab.${name}`)} />
      <div className="detail-body">
        {tab === 'fields' && (
          <>
            <FieldTable title={t('detail.log')} entries={columns} onFilter={onFilter} />
            <FieldTable
              title={t('detail.attributes')}
              entries={Object.entries(row.attributes ?? {})}
              onFilter={onFilter}
              empty={t('detail.noAttributes')}
            />
            <FieldTable
              title={t('detail.resource')}
              entries={Object.entries(row.resource ?? {})}
              prefix="resource."
              onFilter={onFilter}
              empty={t('detail.noResource')}
            />
          </>
        )}
        {tab === 'json' && (
          <div className="json-block">
            <div className="json-actions">
              <CopyButton text={json} label={t('common.copy')} />
            </div>
            <pre className="mono" translate="no">
              {json}
            </pre>
          </div>
        )}
        {tab === 'context' && <ContextView row={row} />}
      </div>
    </aside>
  );
}

function FieldTable({
  title,
  entries,
  prefix = '',
  onFilter,
  empty,
}: {
  title: string;
  entries: [string, string][];
  prefix?: string;
  onFilter: (field: string, value: string, exclude: boolean) => void;
  empty?: string;
}) {
  const t = useT();
  const shown = entries.filter(([, v]) => v !== '' && v !== undefined && v !== null);
  return (
    <section className="field-section">
      <h4>{title}</h4>
      {shown.length === 0 ? (
        <p className="muted small">{empty ?? t('detail.nothingHere')}</p>
      ) : (
        <dl className="field-table">
          {shown.map(([key, value]) => (
            <div className="field-row" key={key}>
              <dt className="mono" translate="no" title={prefix + key}>
                {key}
              </dt>
              <dd className="mono" translate="no">
                {visibleControlChars(String(value))}
              </dd>
              {/* A <dd> too: a <dl>'s groups may hold only terms and definitions. */}
              <dd className="field-actions">
                <button
                  className="icon-button"
                  title={t('detail.filterTitle', {
                    filter: `${prefix}${key}:${oneLine(String(value), 40)}`,
                  })}
                  aria-label={t('detail.addFilter', { field: prefix + key })}
                  onClick={() => onFilter(prefix + key, String(value), false)}
                >
                  <FilterIcon />
                </button>
                <button
                  className="icon-button"
                  title={t('detail.exclude')}
                  aria-label={t('detail.excludeField', { field: prefix + key })}
                  onClick={() => onFilter(prefix + key, String(value), true)}
                >
                  <MinusCircle />
                </button>
                <CopyButton
                  text={String(value)}
                  compact
                  label={t('detail.copyField', { field: key })}
                />
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

interface ContextAnswer {
  before?: LogRow[];
  after?: LogRow[];
  rows?: LogRow[];
  row?: LogRow;
}

function ContextView({ row }: { row: LogRow }) {
  const [rows, setRows] = useState<LogRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The server's `around`: the same app, host and service by default, or the whole app.
  const [wholeApp, setWholeApp] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    setRows(null);
    setError(null);
    api<ContextAnswer>(`/v1/logs/${encodeURIComponent(row.id)}/context`, {
      query: { before: 25, after: 25, around: wholeApp ? 'app' : 'source' },
      signal: controller.signal,
    }).then(
      (answer) => {
        const list = answer.rows ?? [
          ...(answer.before ?? []),
          answer.row ?? row,
          ...(answer.after ?? []),
        ];
        setRows(list);
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(e));
      },
    );
    return () => controller.abort();
  }, [row, wholeApp]);
  const t = useT();
  const source = [
    row.service && t('detail.service', { name: row.service }),
    row.host && t('detail.host', { name: row.host }),
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <div className="context-list">
      <div className="context-head">
        <p className="muted small" data-testid="context-scope">
          <ListIcon />{' '}
          {wholeApp
            ? t('detail.contextApp')
            : source
              ? t('detail.contextSourceOf', { source })
              : t('detail.contextSource')}
        </p>
        <label className="check-row small">
          <input
            type="checkbox"
            checked={wholeApp}
            onChange={(e) => setWholeApp(e.target.checked)}
          />
          {t('detail.wholeApp')}
        </label>
      </div>
      {error && <p className="form-error">{error}</p>}
      {!rows && !error && <Spinner label={t('detail.loadingContext')} />}
      {rows?.map((r) => (
        <div key={r.id} className={`context-line mono${r.id === row.id ? ' current' : ''}`}>
          <span className="cell-time">{formatRowTime(r.ts).time}</span>
          <LevelBadge level={r.level} />
          {wholeApp && (
            <span className="muted context-source" translate="no">
              {r.service || r.host}
            </span>
          )}
          <span className="context-message" translate="no">
            {oneLine(r.message, 500)}
          </span>
        </div>
      ))}
    </div>
  );
}
