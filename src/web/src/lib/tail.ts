// Live tail client (docs/tail-protocol.md): a single-use ticket (POST /v1/tail/ticket, cookie +
// CSRF), then a WebSocket to /v1/tail?ticket=… that streams `logs` messages for one `subscribe`.
// Reconnects with backoff and resumes where it left off (`last_id` and `seen_ids`: the rows it
// holds, resume-point.ts); reports dropped rows and the rows a busy query's sample left out.
import { ResumePoint } from '../../../modules/tail/resume-point.ts';
import { api } from './api.ts';
import type { LogRow } from './types.ts';

export type TailStatus = 'connecting' | 'live' | 'reconnecting' | 'error' | 'closed';

export interface TailHandlers {
  onRows: (rows: LogRow[]) => void;
  onDropped: (count: number) => void;
  /** Matching rows left out because the query passed `perSecond` rows a second. */
  onSampled: (count: number, perSecond: number) => void;
  onStatus: (status: TailStatus, message?: string) => void;
}

export interface TailOptions {
  apps: string[];
  q: string;
  /** Resume after this row id (the newest row already on screen), so nothing falls between. */
  lastId?: string;
  /** The ids of the rows on screen: with `lastId`, rows a little older that are not among them
   * are sent too (a row can be published after a newer one). */
  heldIds?: string[];
}

interface TicketAnswer {
  ticket: string;
  url?: string;
  expires_at?: string;
}

type ServerMessage = {
  type?: string;
  rows?: LogRow[];
  row?: LogRow;
  count?: number;
  dropped?: number;
  error?: { code?: string; message?: string } | string;
  message?: string;
  code?: string;
  max_rows_per_second?: number;
};

export function startTail(options: TailOptions, handlers: TailHandlers): () => void {
  let socket: WebSocket | null = null;
  let stopped = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const resumePoint = new ResumePoint(options.lastId, options.heldIds);
  let maxRowsPerSecond = 0;

  const connect = async (): Promise<void> => {
    handlers.onStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    let ticket: TicketAnswer;
    try {
      ticket = await api<TicketAnswer>('/v1/tail/ticket', { method: 'POST' });
    } catch (error) {
      if (stopped) return;
      const message = error instanceof Error ? error.message : String(error);
      // A bad query or no access will not get better by retrying.
      if (
        error &&
        typeof error === 'object' &&
        'status' in error &&
        [400, 403, 404].includes((error as { status: number }).status)
      ) {
        handlers.onStatus('error', message);
        return;
      }
      return retry(message);
    }
    if (stopped) return;
    const url = new URL(ticket.url ?? '/v1/tail', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('ticket', ticket.ticket);
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      ws.send(
        JSON.stringify({
          type: 'subscribe',
          apps: options.apps,
          q: options.q,
          ...resumePoint.fields(),
        }),
      );
    };
    ws.onmessage = (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      handle(message);
    };
    ws.onclose = (event) => {
      if (socket !== ws || stopped) return;
      socket = null;
      // 1008: refused by policy (origin, limits); retrying would be refused again.
      if (event.code === 1008) {
        handlers.onStatus('error', event.reason || 'The live tail was refused.');
        return;
      }
      retry(event.reason || 'Connection lost');
    };
  };

  const handle = (message: ServerMessage): void => {
    const type = message.type ?? (message.rows ? 'rows' : undefined);
    if (type === 'subscribed' || type === 'ready' || type === 'hello') {
      attempt = 0;
      maxRowsPerSecond = message.max_rows_per_second ?? 0;
      handlers.onStatus('live');
    } else if (type === 'rows' || type === 'row' || type === 'logs') {
      attempt = 0;
      handlers.onStatus('live');
      const rows = message.rows ?? (message.row ? [message.row] : []);
      if (rows.length) {
        resumePoint.note(rows.map((row) => row.id));
        handlers.onRows(rows);
      }
      const dropped = message.dropped ?? 0;
      if (dropped > 0) handlers.onDropped(dropped);
    } else if (type === 'dropped' || type === 'lagged' || type === 'overflow') {
      handlers.onDropped(message.count ?? message.dropped ?? 0);
    } else if (type === 'sampled') {
      handlers.onSampled(message.count ?? 0, maxRowsPerSecond);
    } else if (type === 'error') {
      const error = message.error;
      const text =
        typeof error === 'string' ? error : (error?.message ?? message.message ?? 'Tail error');
      // A bad query or no readable app stops the tail; anything else (a failed resume) is a notice.
      const fatal = ['invalid_query', 'no_apps', 'not_found', 'too_many_apps', 'forbidden'];
      if (message.code && !fatal.includes(message.code)) handlers.onStatus('live', text);
      else handlers.onStatus('error', text);
    }
  };

  const retry = (message: string): void => {
    if (stopped) return;
    attempt += 1;
    handlers.onStatus('reconnecting', message);
    const delay = Math.min(15_000, 500 * 2 ** Math.min(attempt, 5)) * (0.75 + Math.random() / 2);
    timer = setTimeout(() => void connect(), delay);
  };

  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close(1000, 'bye');
    handlers.onStatus('closed');
  };
}
