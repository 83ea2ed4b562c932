// Tickets for browsers, which cannot put a header on a WebSocket: `POST /v1/tail/ticket` (session
// and CSRF checked like any mutation) stores a random ticket bound to the caller's credential in
// Redis for TAIL_TICKET_TTL_MS; the upgrade `GET /v1/tail?ticket=…` redeems it with GETDEL, so a
// ticket opens one socket at most, and a ticket seen in a log or a proxy is already spent.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import { isTailIdentity, type TailIdentity } from './tail-identity.ts';

const TICKET_PREFIX = 'mltk_';
const TICKET_PATTERN = /^mltk_[A-Za-z0-9_-]{43}$/;

function ticketKey(config: Pick<Config, 'redisKeyPrefix'>, ticket: string): string {
  const hash = createHash('sha256').update(ticket).digest('hex');
  return `${config.redisKeyPrefix}:tail-ticket:${hash}`;
}

export async function issueTicket(
  redis: Redis,
  config: Pick<Config, 'redisKeyPrefix' | 'tail'>,
  identity: TailIdentity,
): Promise<{ ticket: string; expiresAt: Date }> {
  const ticket = TICKET_PREFIX + randomBytes(32).toString('base64url');
  const ttl = config.tail.ticketTtlMs;
  await redis.set(ticketKey(config, ticket), JSON.stringify(identity), 'PX', ttl);
  return { ticket, expiresAt: new Date(Date.now() + ttl) };
}

/** The identity the ticket was issued to, once; null for an unknown, spent or expired ticket. */
export async function redeemTicket(
  redis: Redis,
  config: Pick<Config, 'redisKeyPrefix'>,
  ticket: string,
): Promise<TailIdentity | null> {
  if (!TICKET_PATTERN.test(ticket)) return null;
  const stored = await redis.getdel(ticketKey(config, ticket));
  if (stored === null) return null;
  try {
    const identity: unknown = JSON.parse(stored);
    return isTailIdentity(identity) ? identity : null;
  } catch {
    return null;
  }
}
