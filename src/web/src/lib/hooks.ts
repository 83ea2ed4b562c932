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
