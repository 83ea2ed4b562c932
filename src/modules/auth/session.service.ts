// Opening and closing browser sessions. A login always creates a new session (and drops the one
// the browser held), so a session id planted before login is worthless after it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../infra/postgres.ts';
import { acceptInvitations } from '../members/members.service.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from './resolve-auth.ts';
import { requestMeta } from './auth-context.ts';
import { createSessionsRepository } from './sessions.repository.ts';
import type { User } from './users.repository.ts';

export async function openSession(
  db: Db,
  config: Config,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  method: 'oidc' | 'local',
  idToken: string | null,
): Promise<{ csrfToken: string; sessionId: string }> {
  const meta = requestMeta(request);
  const previous = request.cookies[SESSION_COOKIE];
  const { session, token } = await db.transaction().execute(async (trx) => {
    const sessions = createSessionsRepository(trx);
    if (previous) await sessions.deleteByToken(previous);
    const created = await sessions.create({
      userId: user.id,
      authMethod: method,
      idToken,
      absoluteTimeoutMs: config.auth.sessionAbsoluteTimeoutMs,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    const actor = { userId: user.id, tokenId: null, label: user.email, ...meta };
    // Invitations to this address become memberships at sign-in (src/modules/members).
    await acceptInvitations(trx, user, actor);
    await appendAudit(trx, actor, {
      orgId: null,
      action: 'session.create',
      targetType: 'session',
      targetId: created.session.id,
      after: { method },
    });
    return created;
  });
  const maxAge = Math.floor(config.auth.sessionAbsoluteTimeoutMs / 1000);
  const common = { path: '/', sameSite: 'lax' as const, secure: config.auth.cookieSecure, maxAge };
  void reply.setCookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
  void reply.setCookie(CSRF_COOKIE, session.csrf_token, { ...common, httpOnly: false });
  return { csrfToken: session.csrf_token, sessionId: session.id };
}

export async function closeSession(
  db: Db,
  config: Config,
  request: FastifyRequest,
  reply: FastifyReply,
  sessionId: string,
  user: { id: string; email: string },
): Promise<{ idToken: string | null }> {
  const removed = await db.transaction().execute(async (trx) => {
    const session = await createSessionsRepository(trx).delete(sessionId);
    if (session) {
      await appendAudit(
        trx,
        { userId: user.id, tokenId: null, label: user.email, ...requestMeta(request) },
        {
          orgId: null,
          action: 'session.delete',
          targetType: 'session',
          targetId: sessionId,
        },
      );
    }
    return session;
  });
  const common = { path: '/', sameSite: 'lax' as const, secure: config.auth.cookieSecure };
  void reply.clearCookie(SESSION_COOKIE, common);
  void reply.clearCookie(CSRF_COOKIE, common);
  return { idToken: removed?.id_token ?? null };
}
