// The tail's wire protocol (docs/tail-protocol.md): JSON text messages both ways. Client messages
// are validated by hand here rather than by Fastify, because they arrive after the upgrade.
import { UUID_PATTERN } from '../../infra/slug.ts';
import { MAX_SEEN_IDS } from './resume-point.ts';

/** Apps one subscription may name (or, with none named, the most it may span). */
export const MAX_APPS_PER_SUBSCRIPTION = 100;
/** Client messages are small; anything larger is a misbehaving client. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

export type ClientMessage =
  | {
      type: 'subscribe';
      apps: string[];
      q: string;
      lastId: string | undefined;
      /** Ids the client holds near `lastId` (resume-point.ts); empty: resume strictly after it. */
      seenIds: string[];
    }
  | { type: 'unsubscribe' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'ping' };

/** WebSocket close codes the server uses; 1012 tells a client to reconnect (with its last_id). */
export const CLOSE = {
  serverRestart: 1012,
  policy: 1008,
  idle: 4408,
  unauthorized: 4401,
  pingTimeout: 4000,
} as const;

export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function parseClientMessage(data: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new ProtocolError('invalid_message', 'messages are JSON objects');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('invalid_message', 'messages are JSON objects');
  }
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'subscribe':
      return parseSubscribe(message);
    case 'unsubscribe':
    case 'pause':
    case 'resume':
    case 'ping':
      return { type: message.type };
    default:
      throw new ProtocolError(
        'invalid_message',
        'type must be subscribe, unsubscribe, pause, resume or ping',
      );
  }
}

function parseSubscribe(message: Record<string, unknown>): ClientMessage {
  const apps = message.apps ?? [];
  if (
    !Array.isArray(apps) ||
    apps.length > MAX_APPS_PER_SUBSCRIPTION ||
    !apps.every((a): a is string => typeof a === 'string' && a.length > 0 && a.length <= 200)
  ) {
    throw new ProtocolError(
      'invalid_message',
      `apps must be a list of at most ${MAX_APPS_PER_SUBSCRIPTION} app ids or slugs`,
    );
  }
  const q = message.q ?? '';
  if (typeof q !== 'string') throw new ProtocolError('invalid_message', 'q must be a string');
  const lastId = message.last_id ?? undefined;
  if (lastId !== undefined && (typeof lastId !== 'string' || !UUID_PATTERN.test(lastId))) {
    throw new ProtocolError('invalid_message', 'last_id must be the id of a log row');
  }
  const seenIds = message.seen_ids ?? [];
  if (
    !Array.isArray(seenIds) ||
    seenIds.length > MAX_SEEN_IDS ||
    !seenIds.every((id): id is string => typeof id === 'string' && UUID_PATTERN.test(id))
  ) {
    throw new ProtocolError(
      'invalid_message',
      `seen_ids must be a list of at most ${MAX_SEEN_IDS} log row ids`,
    );
  }
  if (seenIds.length > 0 && lastId === undefined) {
    throw new ProtocolError('invalid_message', 'seen_ids needs last_id');
  }
  return {
    type: 'subscribe',
    apps,
    q,
    lastId: lastId?.toLowerCase(),
    seenIds: seenIds.map((id) => id.toLowerCase()),
  };
}

export function errorMessage(code: string, message: string, details?: unknown): string {
  return JSON.stringify(
    details === undefined
      ? { type: 'error', code, message }
      : { type: 'error', code, message, details },
  );
}

export function droppedMessage(count: number): string {
  return `{"type":"dropped","count":${count}}`;
}

export function sampledMessage(count: number): string {
  return `{"type":"sampled","count":${count}}`;
}

/** One `logs` message from rows already serialised to JSON: built once, sent to many sockets. */
export function logsFrame(rowJson: readonly string[]): Buffer {
  return Buffer.from(`{"type":"logs","rows":[${rowJson.join(',')}]}`, 'utf8');
}
