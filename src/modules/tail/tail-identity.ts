// Who a tail socket belongs to, kept as the credential it was opened with (not a snapshot of
// memberships), so every subscribe and every periodic re-check sees the current scope.
import type { Db } from '../../infra/postgres.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { contextFor } from '../auth/resolve-auth.ts';
import type { ApiTokenScope } from '../auth/roles.ts';
import { createUsersRepository } from '../auth/users.repository.ts';
import { createTailCredentialsRepository } from './tail-credentials.repository.ts';

export type TailIdentity =
  | { userId: string; via: 'session'; sessionId: string }
  | { userId: string; via: 'token'; tokenId: string; tokenScope: ApiTokenScope };

export function identityOf(auth: AuthContext): TailIdentity {
  if (auth.via === 'token' && auth.tokenId !== null && auth.tokenScope !== null) {
    return {
      userId: auth.user.id,
      via: 'token',
      tokenId: auth.tokenId,
      tokenScope: auth.tokenScope,
    };
  }
  if (auth.via === 'session' && auth.sessionId !== null) {
    return { userId: auth.user.id, via: 'session', sessionId: auth.sessionId };
  }
  throw new Error('an AuthContext without its credential id');
}

export function isTailIdentity(value: unknown): value is TailIdentity {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.userId !== 'string') return false;
  if (v.via === 'session') return typeof v.sessionId === 'string';
  return (
    v.via === 'token' &&
    typeof v.tokenId === 'string' &&
    (v.tokenScope === 'read' || v.tokenScope === 'admin')
  );
}

/** The identity's AuthContext as of now, or null if its user, session or token is gone. */
export async function currentAuth(db: Db, identity: TailIdentity): Promise<AuthContext | null> {
  const credentials = createTailCredentialsRepository(db);
  const [user, usable] = await Promise.all([
    createUsersRepository(db).findById(identity.userId),
    identity.via === 'session'
      ? credentials.sessionActive(identity.sessionId)
      : credentials.tokenUsable(identity.tokenId),
  ]);
  if (!user || user.disabled_at !== null || !usable) return null;
  return contextFor(
    db,
    user,
    identity.via === 'session'
      ? { via: 'session', sessionId: identity.sessionId }
      : { via: 'token', tokenId: identity.tokenId, tokenScope: identity.tokenScope },
  );
}
