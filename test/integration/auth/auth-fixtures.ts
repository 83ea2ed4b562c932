// Shared setup for the auth tests: users, memberships and tokens created through the services the
// CLI uses, so tests start from a known tenant layout without going through HTTP.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Db } from '../../../src/infra/postgres.ts';
import { cliActor } from '../../../src/modules/auth/auth-context.ts';
import { createApiToken } from '../../../src/modules/auth/api-tokens.service.ts';
import { hashPassword } from '../../../src/modules/auth/password-hash.ts';
import type { ApiTokenScope, MembershipRole } from '../../../src/modules/auth/roles.ts';
import { createUsersRepository, type User } from '../../../src/modules/auth/users.repository.ts';
import { createMembershipsRepository } from '../../../src/modules/members/memberships.repository.ts';
import { createOrg } from '../../../src/modules/orgs/orgs.service.ts';
import { createAppWithKey } from '../../../src/modules/apps/apps.service.ts';
import type { Config } from '../../../src/config.ts';

export async function makeUser(
  db: Db,
  email: string,
  options: { password?: string; platformAdmin?: boolean } = {},
): Promise<User> {
  return createUsersRepository(db).create({
    email,
    passwordHash: options.password ? await hashPassword(options.password) : null,
    platformAdmin: options.platformAdmin ?? false,
  });
}

export async function makeToken(
  db: Db,
  config: Config,
  user: User,
  scope: ApiTokenScope = 'admin',
): Promise<string> {
  return (
    await createApiToken(db, config, cliActor('test'), { userId: user.id }, { name: 't', scope })
  ).token;
}

export async function addMembership(
  db: Db,
  orgId: string,
  user: User,
  role: MembershipRole,
): Promise<void> {
  await createMembershipsRepository(db).add({ orgId }, user.id, role);
}

/** An org with one app (and its first key) and one user per role, each with an admin-scope token. */
export async function makeTenant(db: Db, config: Config, slug: string) {
  const org = await createOrg(db, { name: slug, slug });
  const { app, key } = await createAppWithKey(
    db,
    { orgId: org.id },
    { name: `${slug} web`, slug: 'web' },
  );
  const tokens = {} as Record<MembershipRole, string>;
  const users = {} as Record<MembershipRole, User>;
  for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
    const user = await makeUser(db, `${role}@${slug}.test`);
    await addMembership(db, org.id, user, role);
    users[role] = user;
    tokens[role] = await makeToken(db, config, user);
  }
  return { org, app, key, users, tokens };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function call(
  app: FastifyInstance,
  token: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
): Promise<LightMyRequestResponse> {
  return app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
}

export async function auditCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
