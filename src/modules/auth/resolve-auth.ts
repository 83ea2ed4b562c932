// Turns a request's credentials into its AuthContext. An API token wins over a cookie because a
// browser never attaches one on its own, so a bearer request needs no CSRF token.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { UnauthorizedError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { hashSecret, hasValidShape } from '../../infra/secret-token.ts';
import { createMembershipsRepository } from '../members/memberships.repository.ts';
import { createApiTokensRepository } from './api-tokens.repository.ts';
import type { AuthContext } from './auth-context.ts';
import { createSessionsRepository, type Session } from './sessions.repository.ts';
import { createUsersRepository, type User } from './users.repository.ts';

export const SESSION_COOKIE = 'mylog_session';
/** Readable by the SPA's JavaScript, which echoes it in CSRF_HEADER; the session holds the truth. */
export const CSRF_COOKIE = 'mylog_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Writing last_seen_at/last_used_at on every request would turn reads into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export interface ResolvedAuth {
  auth: AuthContext;
  session: Session | null;
}

export async function resolveAuth(
  db: Db,
  config: Config,
  request: FastifyRequest,
): Promise<ResolvedAuth> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new UnauthorizedError('invalid_token', 'expected Authorization: Bearer mlt_…');
    return { auth: await fromToken(db, match[1] as string), session: null };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) {
    const session = await createSessionsRepository(db).findActive(
      cookie,
      config.auth.sessionIdleTimeoutMs,
    );
    if (session) {
      const user = await usableUser(db, session.user_id);
      if (user) {
        if (Date.now() - session.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
          await createSessionsRepository(db).touch(session.id);
        }
        return {
          auth: await contextFor(db, user, { via: 'session', sessionId: session.id }),
          session,
        };
      }
    }
    throw new UnauthorizedError('session_expired', 'your session has expired; sign in again');
  }
  throw new UnauthorizedError();
}

async function fromToken(db: Db, token: string): Promise<AuthContext> {
  const invalid = new UnauthorizedError(
    'invalid_token',
    'the API token is invalid, expired or revoked',
  );
  if (!hasValidShape(token, 'mlt')) throw invalid;
  const tokens = createApiTokensRepository(db);
  const record = await tokens.findUsable(hashSecret(token));
  if (!record) throw invalid;
  const user = await usableUser(db, record.user_id);
  if (!user) throw invalid;
  if (!record.last_used_at || Date.now() - record.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await tokens.markUsed(record.id);
  }
  return contextFor(db, user, { via: 'token', tokenId: record.id, tokenScope: record.scope });
}

async function usableUser(db: Db, userId: string): Promise<User | undefined> {
  const user = await createUsersRepository(db).findById(userId);
  return user && user.disabled_at === null ? user : undefined;
}

export async function contextFor(
  db: Db,
  user: User,
  via:
    | { via: 'session'; sessionId: string }
    | { via: 'token'; tokenId: string; tokenScope: 'read' | 'admin' },
): Promise<AuthContext> {
  return {
    user: { id: user.id, email: user.email, name: user.name, platformAdmin: user.platform_admin },
    via: via.via,
    sessionId: via.via === 'session' ? via.sessionId : null,
    tokenId: via.via === 'token' ? via.tokenId : null,
    tokenScope: via.via === 'token' ? via.tokenScope : null,
    memberships: await createMembershipsRepository(db).listForUser(user.id),
  };
}

export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
