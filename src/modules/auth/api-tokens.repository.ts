// Personal API tokens: bearer secrets for scripts and the CLI, hashed at rest like ingest keys.
import type { Selectable } from 'kysely';
import type { ApiTokensTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';

export type ApiTokenRecord = Omit<Selectable<ApiTokensTable>, 'token_hash'>;

const PUBLIC_COLUMNS = [
  'id',
  'user_id',
  'name',
  'scope',
  'display_prefix',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
] as const;

/** Tokens belong to a user; every method but the credential lookup takes that user first. */
export function createApiTokensRepository(db: Db) {
  return {
    async create(
      owner: { userId: string },
      input: {
        name: string;
        scope: 'read' | 'admin';
        displayPrefix: string;
        tokenHash: string;
        expiresAt: Date | null;
      },
    ): Promise<ApiTokenRecord> {
      return db
        .insertInto('api_tokens')
        .values({
          user_id: owner.userId,
          name: input.name,
          scope: input.scope,
          display_prefix: input.displayPrefix,
          token_hash: input.tokenHash,
          expires_at: input.expiresAt,
        })
        .returning(PUBLIC_COLUMNS)
        .executeTakeFirstOrThrow();
    },
    async list(owner: { userId: string }): Promise<ApiTokenRecord[]> {
      return db
        .selectFrom('api_tokens')
        .select(PUBLIC_COLUMNS)
        .where('user_id', '=', owner.userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },
    async find(owner: { userId: string }, id: string): Promise<ApiTokenRecord | undefined> {
      return db
        .selectFrom('api_tokens')
        .select(PUBLIC_COLUMNS)
        .where('user_id', '=', owner.userId)
        .where('id', '=', id)
        .executeTakeFirst();
    },
    async revoke(owner: { userId: string }, id: string): Promise<ApiTokenRecord | undefined> {
      return db
        .updateTable('api_tokens')
        .set({ revoked_at: new Date() })
        .where('user_id', '=', owner.userId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returning(PUBLIC_COLUMNS)
        .executeTakeFirst();
    },
    /** The credential lookup: the token itself establishes who is calling. */
    async findUsable(tokenHash: string): Promise<ApiTokenRecord | undefined> {
      const now = new Date();
      return db
        .selectFrom('api_tokens')
        .select(PUBLIC_COLUMNS)
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst();
    },
    async markUsed(id: string): Promise<void> {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: new Date() })
        .where('id', '=', id)
        .execute();
    },
  };
}
