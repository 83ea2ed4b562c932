// Browser sessions: the cookie carries a random token, the table only its hash.
import { randomBytes, createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { SessionsTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';

export type Session = Selectable<SessionsTable>;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createSessionsRepository(db: Db) {
  return {
    async create(input: {
      userId: string;
      authMethod: 'oidc' | 'local';
      idToken: string | null;
      absoluteTimeoutMs: number;
      ip: string | null;
      userAgent: string | null;
    }): Promise<{ session: Session; token: string }> {
      const token = randomBytes(32).toString('base64url');
      const session = await db
        .insertInto('sessions')
        .values({
          token_hash: hashSessionToken(token),
          user_id: input.userId,
          csrf_token: randomBytes(24).toString('base64url'),
          auth_method: input.authMethod,
          id_token: input.idToken,
          expires_at: new Date(Date.now() + input.absoluteTimeoutMs),
          ip: input.ip,
          user_agent: input.userAgent,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { session, token };
    },
    /** A session that is neither past its absolute expiry nor idle for longer than allowed. */
    async findActive(token: string, idleTimeoutMs: number): Promise<Session | undefined> {
      const now = Date.now();
      return db
        .selectFrom('sessions')
        .selectAll()
        .where('token_hash', '=', hashSessionToken(token))
        .where('expires_at', '>', new Date(now))
        .where('last_seen_at', '>', new Date(now - idleTimeoutMs))
        .executeTakeFirst();
    },
    async touch(id: string): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: new Date() })
        .where('id', '=', id)
        .execute();
    },
    async delete(id: string): Promise<Session | undefined> {
      return db.deleteFrom('sessions').where('id', '=', id).returningAll().executeTakeFirst();
    },
    async deleteByToken(token: string): Promise<void> {
      await db.deleteFrom('sessions').where('token_hash', '=', hashSessionToken(token)).execute();
    },
    async deleteExpired(idleTimeoutMs: number): Promise<number> {
      const result = await db
        .deleteFrom('sessions')
        .where((eb) =>
          eb.or([
            eb('expires_at', '<=', new Date()),
            eb('last_seen_at', '<=', new Date(Date.now() - idleTimeoutMs)),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
