// The result list: a hand-written virtual list (fixed row height, absolute positioning), cursor
// paging when the end comes near, keyboard navigation and, in live mode, rows that arrive while
// the reader has scrolled or hovers are held back behind an "N new" pill.
//
// Keyboard: a grid with one Tab stop (a roving tabindex on the rows): arrows, Page Up/Down,
// Home/End move focus between rows, Enter or Space opens the focused row's detail. With the
// detail open, moving also selects (the detail follows). j/k and Escape are the explorer's.
import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
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

  // The row keyboard focus is on (or would be, once the list is tabbed into).
  const [activeId, setActiveId] = useState<string | null>(null);
  useEffect(() => {
    if (props.selectedId) setActiveId(props.selectedId);
  }, [props.selectedId]);
  const activeIndex = activeId ? rows.findIndex((r) => r.id === activeId) : -1;
  const firstInView = Math.min(rows.length - 1, Math.floor(scrollTop / rowH));
  // One Tab stop: the active row while it is rendered, else the first row in view.
  const tabStop =
    activeIndex >= first && activeIndex < last ? activeIndex : Math.max(0, firstInView);

  // Keep the active row in view and, while focus is in the list, on it (j/k move it too).
  useEffect(() => {
    const element = scroller.current;
    if (!element || activeIndex < 0) return;
    const top = activeIndex * rowH;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + rowH > element.scrollTop + element.clientHeight)
      element.scrollTop = top + rowH - element.clientHeight;
    // Render the rows there now rather than on the scroll event, so the row can take focus.
    setScrollTop(element.scrollTop);
  }, [activeIndex, rowH]);
  useEffect(() => {
    const element = scroller.current;
    if (!element || !activeId || !element.contains(document.activeElement)) return;
    const row = element.querySelector<HTMLElement>(`[data-id="${CSS.escape(activeId)}"]`);
    if (row && row !== document.activeElement) row.focus({ preventScroll: true });
  });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const from = activeIndex >= 0 ? activeIndex : tabStop;
    const page = Math.max(1, Math.floor(height / rowH) - 1);
    const step: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -rows.length,
      End: rows.length,
    };
    const row = rows[from];
    if (event.key in step) {
      const next = rows[Math.min(rows.length - 1, Math.max(0, from + (step[event.key] ?? 0)))];
      if (!next) return;
      setActiveId(next.id);
      if (props.selectedId) props.onSelect(next);
    } else if ((event.key === 'Enter' || event.key === ' ') && row) {
      props.onSelect(row);
    } else return;
    // Handled here: not also by the page's shortcuts, nor as a scroll.
    event.preventDefault();
    event.stopPropagation();
  };

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
        onKeyDown={onKeyDown}
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
              index={first + i}
              top={(first + i) * rowH}
              tabStop={first + i === tabStop}
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

/** Focus a row of the list (the one whose detail just closed): keyboard users carry on from it. */
export function focusLogRow(id: string): void {
  document
    .querySelector<HTMLElement>(`.log-list [data-id="${CSS.escape(id)}"]`)
    ?.focus({ preventScroll: true });
}

const LogLine = memo(function LogLine({
  row,
  index,
  top,
  tabStop,
  selected,
  fresh,
  appName,
  onSelect,
  columns,
}: {
  row: LogRow;
  index: number;
  top: number;
  tabStop: boolean;
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
      aria-rowindex={index + 1}
      aria-selected={selected}
      tabIndex={tabStop ? 0 : -1}
      className={`log-line${selected ? ' selected' : ''}${fresh ? ' fresh' : ''} level-row-${row.level}`}
      data-id={row.id}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onSelect(row)}
    >
      <span role="gridcell" className="cell-time mono" title={row.ts}>
        <span className="cell-date">{date} </span>
        {time}
      </span>
      <span role="gridcell" className="cell-level">
        <LevelBadge level={row.level} />
      </span>
      <span
        role="gridcell"
        translate="no"
        className="cell-source mono"
        title={`${appName(row.app_id)} · ${row.service}`}
      >
        {row.service || appName(row.app_id)}
      </span>
      {columns?.map((key) => (
        <span
          key={key}
          role="gridcell"
          translate="no"
          className="cell-attr mono"
          title={`${key}: ${row.attributes[key] ?? ''}`}
        >
          {row.attributes[key] ?? ''}
        </span>
      ))}
      <span role="gridcell" className="cell-message mono" translate="no">
        {oneLine(row.message)}
      </span>
    </div>
  );
});
