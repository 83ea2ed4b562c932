// The result list: a hand-written virtual list (fixed row height, absolute positioning), cursor
// paging when the end comes near, keyboard navigation (j/k, Enter) and, in live mode, rows that
// arrive while the reader has scrolled or hovers are held back behind an "N new" pill.
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { formatRowTime } from '../lib/time.ts';
import { useI18n, useT } from '../i18n/I18nProvider.tsx';
import { oneLine } from '../lib/text.ts';
import type { LogRow } from '../lib/types.ts';
import { ArrowUp } from './icons.tsx';
import { LevelBadge, Spinner } from './ui.tsx';

const OVERSCAN = 12;
const LOAD_AHEAD_ROWS = 200;

function rowHeight(): number {
  return matchMedia('(max-width: 640px)').matches ? 54 : 28;
}

export interface LogListProps {
  rows: LogRow[];
  selectedId: string | null;
  onSelect: (row: LogRow) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  appName: (id: string) => string;
  /** Live tail: rows held back while paused, and what to do with them. */
  pending?: number;
  onFlush?: () => void;
  onPausedChange?: (paused: boolean) => void;
  highlightIds?: ReadonlySet<string>;
  /** Attribute keys shown as columns before the message (the explorer's column picker). */
  columns?: readonly string[];
}

export function LogList(props: LogListProps) {
  const { rows, onLoadMore, hasMore, loadingMore, onPausedChange } = props;
  const t = useT();
  const scroller = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(600);
  const [scrollTop, setScrollTop] = useState(0);
  const [rowH, setRowH] = useState(rowHeight);
  const hovering = useRef(false);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setHeight(entry.contentRect.height);
      setRowH(rowHeight());
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const reportPause = useCallback(() => {
    onPausedChange?.(hovering.current || (scroller.current?.scrollTop ?? 0) > 4);
  }, [onPausedChange]);

  const first = Math.max(0, Math.floor(scrollTop / rowH) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / rowH) + OVERSCAN);

  useEffect(() => {
    if (hasMore && !loadingMore && last + LOAD_AHEAD_ROWS > rows.length) onLoadMore();
  }, [last, rows.length, hasMore, loadingMore, onLoadMore]);

  // Keep the selected row in view when it moves by keyboard.
  useEffect(() => {
    const element = scroller.current;
    if (!element || !props.selectedId) return;
    const index = rows.findIndex((r) => r.id === props.selectedId);
    if (index < 0) return;
    const top = index * rowH;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + rowH > element.scrollTop + element.clientHeight)
      element.scrollTop = top + rowH - element.clientHeight;
  }, [props.selectedId, rows, rowH]);

  const visible = rows.slice(first, last);
  return (
    <div className="log-list-wrap">
      {props.pending ? (
        <button
          className="new-rows-pill"
          onClick={() => {
            if (scroller.current) scroller.current.scrollTop = 0;
            props.onFlush?.();
          }}
        >
          <ArrowUp /> {t('logs.newRows', { count: props.pending })}
        </button>
      ) : null}
      <div
        ref={scroller}
        className="log-list"
        role="grid"
        aria-rowcount={rows.length}
        aria-label={t('logs.lines')}
        tabIndex={0}
        onScroll={(event) => {
          setScrollTop(event.currentTarget.scrollTop);
          reportPause();
        }}
        onMouseEnter={() => {
          hovering.current = true;
          reportPause();
        }}
        onMouseLeave={() => {
          hovering.current = false;
          reportPause();
        }}
      >
        <div className="log-list-inner" style={{ height: rows.length * rowH + (hasMore ? 40 : 0) }}>
          {visible.map((row, i) => (
            <LogLine
              key={row.id}
              row={row}
              top={(first + i) * rowH}
              selected={row.id === props.selectedId}
              fresh={props.highlightIds?.has(row.id) ?? false}
              appName={props.appName}
              onSelect={props.onSelect}
              columns={props.columns}
            />
          ))}
          {hasMore && (
            <div className="log-list-more" style={{ top: rows.length * rowH }}>
              {loadingMore ? <Spinner label={t('logs.loadingMore')} /> : t('logs.scrollForMore')}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

const LogLine = memo(function LogLine({
  row,
  top,
  selected,
  fresh,
  appName,
  onSelect,
  columns,
}: {
  row: LogRow;
  top: number;
  selected: boolean;
  fresh: boolean;
  appName: (id: string) => string;
  onSelect: (row: LogRow) => void;
  columns?: readonly string[];
}) {
  useI18n(); // memoised: the row time must still follow the zone (the explorer's UTC toggle)
  const { date, time } = formatRowTime(row.ts);
  return (
    <div
      role="row"
      className={`log-line${selected ? ' selected' : ''}${fresh ? ' fresh' : ''} level-row-${row.level}`}
      data-id={row.id}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onSelect(row)}
    >
      <span className="cell-time mono" title={row.ts}>
        <span className="cell-date">{date} </span>
        {time}
      </span>
      <span className="cell-level">
        <LevelBadge level={row.level} />
      </span>
      <span
        translate="no"
        className="cell-source mono"
        title={`${appName(row.app_id)} · ${row.service}`}
      >
        {row.service || appName(row.app_id)}
      </span>
      {columns?.map((key) => (
        <span
          key={key}
          translate="no"
          className="cell-attr mono"
          title={`${key}: ${row.attributes[key] ?? ''}`}
        >
          {row.attributes[key] ?? ''}
        </span>
      ))}
      <span className="cell-message mono" translate="no">
        {oneLine(row.message)}
      </span>
    </div>
  );
});
