// The log explorer: query, time range, apps, histogram, results, detail and live tail. Everything
// that defines what is on screen is in the URL.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AppSelector } from '../components/AppSelector.tsx';
import { Histogram } from '../components/Histogram.tsx';
import {
  DownloadIcon,
  PauseIcon,
  PlayIcon,
  RotateIcon,
  SearchIcon,
  ZoomOutIcon,
} from '../components/icons.tsx';
import { LogDetail } from '../components/LogDetail.tsx';
import { ColumnPicker, useColumns } from '../components/explorer/ColumnPicker.tsx';
import { FacetSidebar } from '../components/explorer/FacetSidebar.tsx';
import '../components/explorer/explorer-extras.css';
import { focusLogRow, LogList } from '../components/LogList.tsx';
import { QueryBar } from '../components/QueryBar.tsx';
import { BellIcon } from '../components/NotificationBell.tsx';
import { SavedSearches } from '../components/SavedSearches.tsx';
import { SendFirstLog } from '../components/SendFirstLog.tsx';
import { TimeRangePicker } from '../components/TimeRangePicker.tsx';
import { EmptyState, Kbd, Spinner } from '../components/ui.tsx';
import { errorMessage, api, ApiError, isAbort, withQuery } from '../lib/api.ts';
import {
  addFilter,
  explorerSearch,
  readExplorerState,
  type ExplorerState,
} from '../lib/explorer-state.ts';
import { useHotkey } from '../lib/hooks.ts';
import { checkQuery, queryProblemFromApi, type QueryProblem } from '../lib/query-syntax.ts';
import { Link, navigate, useRoute } from '../lib/router.tsx';
import { canAdminister, useSession } from '../lib/session.tsx';
import { startTail, type TailStatus } from '../lib/tail.ts';
import { isRelative, resolveTime } from '../lib/time.ts';
import { useI18n, useT } from '../i18n/I18nProvider.tsx';
import { Msg } from '../i18n/Msg.tsx';
import type { Histogram as HistogramData, LogPage, LogRow, MeApp } from '../lib/types.ts';

const PAGE_SIZE = 200;
/** Live rows kept on screen; older ones fall off the end so a busy tail cannot exhaust memory. */
const LIVE_MAX_ROWS = 5000;
const FRESH_HIGHLIGHT_MS = 2500;

export function Explorer() {
  const { me, org, setOrgId } = useSession();
  const route = useRoute();
  const t = useT();
  const { utc, setUtc } = useI18n();
  const state = useMemo(() => readExplorerState(route.search), [route.search]);
  const allApps = me?.apps ?? [];
  // The explorer works in the org chosen in the top bar: "All apps" means that org's apps.
  const apps = useMemo(
    () => (org ? allApps.filter((a) => a.org_id === org.id) : allApps),
    [allApps, org?.id],
  );

  const update = useCallback(
    (patch: Partial<ExplorerState>, options: { replace?: boolean } = {}) => {
      const current = readExplorerState(new URLSearchParams(location.search));
      navigate(`/logs${explorerSearch({ ...current, ...patch })}`, options);
    },
    [],
  );

  const [columns, setColumns] = useColumns();
  const [rows, setRows] = useState<LogRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [queryProblem, setQueryProblem] = useState<QueryProblem | null>(null);
  const [histogram, setHistogram] = useState<HistogramData | undefined>();
  const [histogramLoading, setHistogramLoading] = useState(false);
  const [window_, setWindow] = useState({ fromMs: 0, toMs: 0 });
  const [runId, setRunId] = useState(0);
  const searchAbort = useRef<AbortController | null>(null);
  const searchedAt = useRef(0);

  // Ids, not slugs: a slug may exist in two orgs, an id names the app in this one.
  const appIds = useMemo(() => scopedAppIds(state.apps, apps), [state.apps.join(','), apps]);
  const params = useMemo(
    () => ({ q: state.q, from: state.range.from, to: state.range.to, apps: appIds }),
    [state.q, state.range.from, state.range.to, appIds],
  );
  const paramsKey = JSON.stringify(params);
  const listKey = `${paramsKey}#${runId}`;
  /** Which search the rows on screen answer; the live tail starts from them. */
  const [shownFor, setShownFor] = useState<string | null>(null);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  // Switching org drops a pick of the old org's apps; a link to another org's app switches org.
  const shownOrg = useRef(org?.id);
  useEffect(() => {
    const orgChanged = shownOrg.current !== undefined && shownOrg.current !== org?.id;
    shownOrg.current = org?.id;
    if (!org || state.apps.length === 0) return;
    if (state.apps.some((ref) => apps.some((a) => a.slug === ref || a.id === ref))) return;
    if (orgChanged) return update({ apps: [], row: null }, { replace: true });
    const owner = allApps.find((a) => state.apps.includes(a.slug) || state.apps.includes(a.id));
    if (owner) setOrgId(owner.org_id);
  }, [org?.id, state.apps.join(',')]);

  // Search and histogram run together whenever the query, range or apps change.
  useEffect(() => {
    if (apps.length === 0) return;
    searchAbort.current?.abort();
    const controller = new AbortController();
    searchAbort.current = controller;
    const now = Date.now();
    setWindow({ fromMs: resolveTime(params.from, now), toMs: resolveTime(params.to, now) });
    // The shared parser already knows a bad query is bad: point at it without a round trip.
    const problem = checkQuery(params.q);
    if (problem) {
      setQueryProblem(problem);
      setRows([]);
      setCursor(null);
      setHistogram(undefined);
      setLoading(false);
      setHistogramLoading(false);
      setShownFor(null);
      return;
    }
    searchedAt.current = now;
    setLoading(true);
    setHistogramLoading(true);
    setError(null);
    api<LogPage>('/v1/logs', {
      query: { ...params, limit: PAGE_SIZE },
      signal: controller.signal,
    }).then(
      (page) => {
        setRows(page.rows);
        setCursor(page.next_cursor);
        setQueryProblem(null);
        setLoading(false);
        setShownFor(listKey);
      },
      (e: unknown) => {
        if (isAbort(e)) return;
        setLoading(false);
        setRows([]);
        setCursor(null);
        setShownFor(listKey);
        const details = e instanceof ApiError ? e.queryDetails : undefined;
        if (e instanceof ApiError && e.code === 'invalid_query') {
          setQueryProblem(queryProblemFromApi(e.message, details));
        } else setError(errorMessage(e));
      },
    );
    api<HistogramData>('/v1/logs/histogram', { query: params, signal: controller.signal }).then(
      (data) => {
        setHistogram(data);
        setHistogramLoading(false);
        // The server's resolved range, so bars line up with what it counted.
        const from = Date.parse(data.from ?? '');
        const to = Date.parse(data.to ?? '');
        if (!Number.isNaN(from) && !Number.isNaN(to) && to > from)
          setWindow({ fromMs: from, toMs: to });
      },
      (e: unknown) => {
        if (isAbort(e)) return;
        setHistogram(undefined);
        setHistogramLoading(false);
      },
    );
    return () => controller.abort();
    // runId re-runs the same search (refresh); paramsKey stands for params.
  }, [listKey, apps.length]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    api<LogPage>('/v1/logs', { query: { ...params, limit: PAGE_SIZE, cursor } }).then(
      (page) => {
        setRows((list) => {
          const seen = new Set(list.map((r) => r.id));
          return [...list, ...page.rows.filter((r) => !seen.has(r.id))];
        });
        setCursor(page.next_cursor);
        setLoadingMore(false);
      },
      (e: unknown) => {
        setLoadingMore(false);
        setError(errorMessage(e));
      },
    );
    // paramsKey stands for params.
  }, [cursor, loadingMore, paramsKey]);

  // Live tail.
  const [tailStatus, setTailStatus] = useState<{ status: TailStatus; message?: string }>({
    status: 'closed',
  });
  const [pending, setPending] = useState<LogRow[]>([]);
  const [dropped, setDropped] = useState(0);
  const [sampled, setSampled] = useState({ count: 0, perSecond: 0 });
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const paused = useRef(false);

  const prepend = useCallback((incoming: LogRow[]) => {
    const newestFirst = [...incoming].reverse();
    setRows((list) => {
      const seen = new Set(list.map((r) => r.id));
      return [...newestFirst.filter((r) => !seen.has(r.id)), ...list].slice(0, LIVE_MAX_ROWS);
    });
    const ids = new Set(newestFirst.map((r) => r.id));
    setFresh(ids);
    setTimeout(
      () => setFresh((current) => (current === ids ? new Set() : current)),
      FRESH_HIGHLIGHT_MS,
    );
  }, []);

  // The tail starts once the list shows the current search, and continues exactly where it ends:
  // its resume (`last_id`) is the newest row on screen, so rows that arrived between the search
  // and the switch come first. With nothing on screen, it resumes from the start of the range.
  const tailFrom = shownFor === listKey ? listKey : null;
  useEffect(() => {
    if (!state.live || apps.length === 0 || tailFrom === null) return;
    setPending([]);
    setDropped(0);
    setSampled({ count: 0, perSecond: 0 });
    const endsNow = state.range.to === 'now';
    const resumeFrom = endsNow
      ? {
          lastId:
            newestId(rowsRef.current) ??
            uuidV7Floor(resolveTime(state.range.from, searchedAt.current)),
          heldIds: rowsRef.current.map((row) => row.id),
        }
      : {};
    const stop = startTail(
      { apps: params.apps, q: state.q, ...resumeFrom },
      {
        onRows: (incoming) => {
          if (paused.current) setPending((list) => [...list, ...incoming].slice(-LIVE_MAX_ROWS));
          else prepend(incoming);
        },
        onDropped: (count) => setDropped((n) => n + count),
        onSampled: (count, perSecond) => setSampled((s) => ({ count: s.count + count, perSecond })),
        onStatus: (status, message) => setTailStatus({ status, message }),
      },
    );
    return stop;
    // tailFrom stands for params and the rows they found.
  }, [state.live, tailFrom, apps.length, prepend]);

  const flush = useCallback(() => {
    setPending((list) => {
      if (list.length) prepend(list);
      return [];
    });
  }, [prepend]);

  const onPausedChange = useCallback(
    (isPaused: boolean) => {
      paused.current = isPaused;
      if (!isPaused) flush();
    },
    [flush],
  );

  const selected = state.row ? (rows.find((r) => r.id === state.row) ?? null) : null;
  const appNames = useMemo(() => new Map(apps.map((a) => [a.id, a.name])), [apps]);
  const appName = useCallback((id: string) => appNames.get(id) ?? id.slice(0, 8), [appNames]);
  const select = useCallback((row: LogRow) => update({ row: row.id }, { replace: true }), [update]);

  const move = (delta: number): void => {
    if (rows.length === 0) return;
    const index = state.row ? rows.findIndex((r) => r.id === state.row) : -1;
    const next = rows[Math.min(rows.length - 1, Math.max(0, index + delta))];
    if (next) select(next);
  };
  useHotkey('j', () => move(1));
  useHotkey('ArrowDown', (e) => {
    if (state.row) {
      e.preventDefault();
      move(1);
    }
  });
  useHotkey('k', () => move(-1));
  useHotkey('ArrowUp', (e) => {
    if (state.row) {
      e.preventDefault();
      move(-1);
    }
  });
  // Closing the detail puts focus back on its row (from the close button it would be lost).
  const closeDetail = (): void => {
    if (!state.row) return;
    update({ row: null }, { replace: true });
    focusLogRow(state.row);
  };
  useHotkey('Escape', closeDetail);
  useHotkey('l', () => update({ live: !state.live }));
  useHotkey('r', () => setRunId((n) => n + 1));

  if (!me) return null;
  if (apps.length === 0) return <NoApps canAdmin={canAdminister(org?.role)} />;

  const zoomed = !isRelative(state.range);
  const emptyQuery = state.q.trim() === '' || state.q.trim() === '*';
  const exportUrl = withQuery('/v1/logs/export', { ...params, format: 'ndjson' });

  return (
    <div className={`explorer${selected ? ' has-detail' : ''}`}>
      <div className="toolbar">
        <QueryBar
          value={state.q}
          serverError={queryProblem}
          scope={{ apps: params.apps, from: state.range.from, to: state.range.to }}
          onSubmit={(q) => {
            if (q === state.q) setRunId((n) => n + 1);
            else update({ q, row: null });
          }}
        />
        <div className="toolbar-controls">
          <AppSelector
            apps={apps}
            value={state.apps}
            onChange={(list) => update({ apps: list, row: null })}
          />
          <TimeRangePicker value={state.range} onChange={(range) => update({ range, row: null })} />
          <button
            className={`button toolbar-button utc-toggle${utc ? ' on' : ''}`}
            aria-pressed={utc}
            title={t('time.utcToggle')}
            onClick={() => setUtc(!utc)}
          >
            {t('time.utc')}
          </button>
          {zoomed && (
            <button
              className="icon-button bordered"
              title={t('explorer.zoomOutTitle')}
              aria-label={t('explorer.zoomOut')}
              onClick={() => update({ range: { from: 'now-1h', to: 'now' } })}
            >
              <ZoomOutIcon />
            </button>
          )}
          <button
            className={`button toolbar-button live-toggle${state.live ? ' on' : ''}`}
            aria-pressed={state.live}
            onClick={() => update({ live: !state.live })}
            title={t('explorer.liveTitle')}
          >
            {state.live ? <PauseIcon /> : <PlayIcon />}
            <span>{state.live ? t('explorer.live') : t('explorer.liveTail')}</span>
            {state.live && <i className={`live-dot ${tailStatus.status}`} />}
          </button>
          <ColumnPicker
            columns={columns}
            onChange={setColumns}
            scope={{ apps: params.apps, from: state.range.from, to: state.range.to }}
          />
          <SavedSearches
            current={{ q: state.q, from: state.range.from, to: state.range.to, apps: state.apps }}
            onOpen={(s) => navigate(`/logs${explorerSearch(s)}`)}
          />
          <div className="toolbar-more">
            <Link
              className="icon-button bordered"
              title={t('explorer.createAlertTitle')}
              aria-label={t('explorer.createAlert')}
              href={`/alerts/new${explorerSearch({ ...state, row: null, live: false })}`}
            >
              <BellIcon />
            </Link>
            <button
              className="icon-button bordered"
              title={t('explorer.refreshTitle')}
              aria-label={t('explorer.refresh')}
              onClick={() => setRunId((n) => n + 1)}
            >
              <RotateIcon />
            </button>
            <a
              className="icon-button bordered"
              href={exportUrl}
              title={t('explorer.exportTitle')}
              aria-label={t('explorer.export')}
              download
            >
              <DownloadIcon />
            </a>
          </div>
        </div>
      </div>

      {state.live &&
        (tailStatus.status === 'error' ||
          tailStatus.status === 'reconnecting' ||
          dropped > 0 ||
          sampled.count > 0) && (
          <div
            className={`banner ${tailStatus.status === 'error' ? 'banner-error' : 'banner-warn'}`}
            role="status"
          >
            {tailStatus.status === 'error' &&
              t('explorer.tailStopped', { message: tailStatus.message })}
            {tailStatus.status === 'reconnecting' &&
              t('explorer.tailReconnecting', { message: tailStatus.message })}
            {dropped > 0 && <> {t('explorer.dropped', { count: dropped })}</>}
            {sampled.count > 0 && (
              <> {t('explorer.sampled', { count: sampled.count, perSecond: sampled.perSecond })}</>
            )}
          </div>
        )}

      <Histogram
        data={histogram}
        fromMs={window_.fromMs}
        toMs={window_.toMs}
        loading={histogramLoading}
        onZoom={(from, to) =>
          update({
            range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
            row: null,
            live: false,
          })
        }
      />

      <div className="results">
        <FacetSidebar
          scope={{ q: state.q, apps: params.apps, from: state.range.from, to: state.range.to }}
          onFilter={(field, value, exclude) =>
            update({ q: addFilter(state.q, field, value, exclude), row: null })
          }
        />
        <div className="results-list">
          {error && <div className="banner banner-error">{error}</div>}
          {loading && rows.length === 0 ? (
            <div className="center-fill">
              <Spinner label={t('explorer.searching')} />
            </div>
          ) : rows.length === 0 && !queryProblem ? (
            emptyQuery && !zoomed ? (
              <EmptyState title={t('explorer.emptyTitle')} icon={<SearchIcon />}>
                <p className="muted">
                  <Msg id="explorer.emptyBody" />
                </p>
                <SendFirstLog />
                <p className="muted small">
                  {t('explorer.needKey')}{' '}
                  {canAdminister(org?.role) ? (
                    <Link href="/admin/apps">{t('explorer.createKeyLink')}</Link>
                  ) : (
                    t('explorer.askAdmin')
                  )}
                </p>
              </EmptyState>
            ) : (
              <EmptyState title={t('explorer.noMatchTitle')} icon={<SearchIcon />}>
                <p className="muted">
                  <Msg id="explorer.noMatchBody" values={{ query: state.q || '*' }} />
                </p>
                <div className="button-row">
                  <button
                    className="button"
                    onClick={() => update({ range: { from: 'now-7d', to: 'now' } })}
                  >
                    {t('explorer.search7d')}
                  </button>
                  {!emptyQuery && (
                    <button className="button" onClick={() => update({ q: '' })}>
                      {t('explorer.clearQuery')}
                    </button>
                  )}
                </div>
              </EmptyState>
            )
          ) : (
            <LogList
              rows={rows}
              selectedId={state.row}
              onSelect={select}
              hasMore={!state.live && cursor !== null}
              loadingMore={loadingMore}
              onLoadMore={loadMore}
              appName={appName}
              pending={state.live ? pending.length : 0}
              onFlush={flush}
              onPausedChange={state.live ? onPausedChange : undefined}
              highlightIds={fresh}
              columns={columns}
            />
          )}
        </div>
        {selected && (
          <LogDetail
            row={selected}
            appName={appName}
            onClose={closeDetail}
            onFilter={(field, value, exclude) =>
              update({ q: addFilter(state.q, field, value, exclude) })
            }
          />
        )}
      </div>
      <footer className="explorer-footer muted small">
        <span>
          {t('explorer.shown', { count: rows.length })}
          {cursor && !state.live ? t('explorer.moreBelow') : ''}
        </span>
        <span className="shortcuts">
          <Msg id="explorer.shortcuts" values={{ kbd: (chunks) => <Kbd>{chunks}</Kbd> }} />
        </span>
      </footer>
    </div>
  );
}

function NoApps({ canAdmin }: { canAdmin: boolean }) {
  const t = useT();
  return (
    <div className="page narrow">
      <EmptyState title={t('explorer.welcome')} icon={<SearchIcon />}>
        <p className="muted">
          {t('explorer.appsIntro')} {canAdmin ? t('explorer.appsAdmin') : t('explorer.appsMember')}
        </p>
        {canAdmin && (
          <Link className="button button-primary" href="/admin/apps?new=1">
            {t('explorer.createApp')}
          </Link>
        )}
        <p className="muted small section-gap">{t('explorer.thenSend')}</p>
        <SendFirstLog />
      </EmptyState>
    </div>
  );
}

/** The chosen apps as ids within the org's apps ("All apps": every one of them). */
function scopedAppIds(refs: readonly string[], apps: readonly MeApp[]): string[] {
  if (refs.length === 0) return apps.map((a) => a.id);
  return refs.map((ref) => apps.find((a) => a.slug === ref || a.id === ref)?.id ?? ref);
}

/** Row ids are UUIDv7 in receive order, so the greatest id is the row that arrived last. */
function newestId(rows: readonly LogRow[]): string | undefined {
  let newest: string | undefined;
  for (const row of rows) if (newest === undefined || row.id > newest) newest = row.id;
  return newest;
}

/** The smallest UUIDv7 of a millisecond: every row received from then on has a greater id. */
function uuidV7Floor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}
