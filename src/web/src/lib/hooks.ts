import { useEffect, useRef, useState } from 'react';
import { api, isAbort, type QueryValue } from './api.ts';

export interface Loadable<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` whenever it or `query` changes; the previous request is aborted. */
export function useApi<T>(
  path: string | null,
  query: Record<string, QueryValue> = {},
): Loadable<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: path !== null,
  });
  const [tick, setTick] = useState(0);
  const key = path === null ? null : JSON.stringify([path, query]);
  useEffect(() => {
    if (key === null || path === null) return;
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    api<T>(path, { query, signal: controller.signal }).then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => {
        if (!isAbort(error)) setState({ error, loading: false });
      },
    );
    return () => controller.abort();
    // `key` stands for path and query, which are new objects on every render.
  }, [key, tick]);
  return { ...state, data: state.data, error: state.error, reload: () => setTick((n) => n + 1) };
}

export interface PagedLoadable<R> {
  rows: R[];
  error: unknown;
  loading: boolean;
  /** Appends the next page; null when there is none. */
  more: (() => void) | null;
}

/**
 * A cursor-paged list: the first page whenever `path` or `query` changes, `more()` appends the
 * next. Only the newest list's answers land: a first page that arrives after the filters changed
 * (the audit log showed unfiltered rows under the "read" filter that way) is aborted or dropped.
 */
export function usePagedApi<P extends { next_cursor: string | null }, R>(
  path: string | null,
  query: Record<string, QueryValue>,
  rowsOf: (page: P) => R[],
): PagedLoadable<R> {
  const [state, setState] = useState<{
    rows: R[];
    cursor: string | null;
    error?: unknown;
    loading: boolean;
  }>({ rows: [], cursor: null, loading: path !== null });
  const generation = useRef(0);
  const controller = useRef<AbortController | null>(null);
  const key = path === null ? null : JSON.stringify([path, query]);
  const fetchPage = (cursor: string | null): void => {
    if (path === null) return;
    const mine = generation.current;
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setState((previous) => ({ ...previous, loading: true }));
    api<P>(path, { query: { ...query, cursor: cursor ?? undefined }, signal: abort.signal }).then(
      (page) => {
        if (mine !== generation.current) return;
        setState((previous) => ({
          rows: cursor === null ? rowsOf(page) : [...previous.rows, ...rowsOf(page)],
          cursor: page.next_cursor,
          loading: false,
        }));
      },
      (error: unknown) => {
        if (mine !== generation.current || isAbort(error)) return;
        setState((previous) => ({ ...previous, error, loading: false }));
      },
    );
  };
  useEffect(() => {
    generation.current += 1;
    // The old rows stay on screen (under a spinner) until the new first page replaces them.
    setState((previous) => ({ ...previous, cursor: null, loading: key !== null }));
    fetchPage(null);
    return () => controller.current?.abort();
    // `key` stands for path and query, which are new objects on every render.
  }, [key]);
  const { cursor } = state;
  return {
    rows: state.rows,
    error: state.error,
    loading: state.loading,
    more: cursor !== null && !state.loading ? () => fetchPage(cursor) : null,
  };
}

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** Calls `handler` for a global shortcut unless the user is typing in a field or is in a dialog. */
export function useHotkey(key: string, handler: (event: KeyboardEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const listener = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      const typing =
        target &&
        (target.tagName === 'INPUT' ||
          target.tagName === 'TEXTAREA' ||
          target.tagName === 'SELECT' ||
          target.isContentEditable);
      // Nor while a modal dialog is open: its keys (Escape closes it) are not the page's.
      const inDialog = target?.closest?.('dialog[open]') != null;
      if (typing || inDialog || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === key) ref.current(event);
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [key]);
}
