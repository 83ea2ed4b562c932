// Users are global (one person, many orgs); what they may see comes from their memberships.
import { sql, type Selectable } from 'kysely';
import type { UsersTable } from '../../infra/database.ts';
import type { Db } from '../../infra/postgres.ts';

export type User = Selectable<UsersTable>;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createUsersRepository(db: Db) {
  return {
    async findById(id: string): Promise<User | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async findByEmail(email: string): Promise<User | undefined> {
      return db
        .selectFrom('users')
        .selectAll()
        .where(sql<string>`lower(email)`, '=', normaliseEmail(email))
        .executeTakeFirst();
    },
    async findByOidcSubject(issuer: string, subject: string): Promise<User | undefined> {
      return db
        .selectFrom('users')
        .selectAll()
        .where('oidc_issuer', '=', issuer)
        .where('oidc_subject', '=', subject)
        .executeTakeFirst();
    },
    async create(input: {
      email: string;
      name?: string | null;
      passwordHash?: string | null;
      platformAdmin?: boolean;
      oidcIssuer?: string | null;
      oidcSubject?: string | null;
    }): Promise<User> {
      return db
        .insertInto('users')
        .values({
          email: normaliseEmail(input.email),
          name: input.name ?? null,
          password_hash: input.passwordHash ?? null,
          platform_admin: input.platformAdmin ?? false,
          oidc_issuer: input.oidcIssuer ?? null,
          oidc_subject: input.oidcSubject ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async update(
      id: string,
      changes: Partial<{
        name: string | null;
        password_hash: string | null;
        platform_admin: boolean;
        oidc_issuer: string | null;
        oidc_subject: string | null;
        last_login_at: Date;
      }>,
    ): Promise<User> {
      return db
        .updateTable('users')
        .set(changes)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

/** What the API shows of a user: never the password hash or the IdP subject. */
export function publicUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    platform_admin: user.platform_admin,
    created_at: user.created_at,
  };
}
