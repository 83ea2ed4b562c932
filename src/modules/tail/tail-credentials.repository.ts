// Whether the credential a tail socket was opened with still stands. A socket outlives the request
// that authenticated it, so a logout, a revoked token or a disabled user must end it.
import type { Db } from '../../infra/postgres.ts';

export function createTailCredentialsRepository(db: Db) {
  return {
    async sessionActive(sessionId: string): Promise<boolean> {
      const row = await db
        .selectFrom('sessions')
        .select('id')
        .where('id', '=', sessionId)
        .where('expires_at', '>', new Date())
        .executeTakeFirst();
      return row !== undefined;
    },
    async tokenUsable(tokenId: string): Promise<boolean> {
      const now = new Date();
      const row = await db
        .selectFrom('api_tokens')
        .select('id')
        .where('id', '=', tokenId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
