// The tenants the search and analytics benches query: the benchmarking user reads org "acme"
// (4 apps) with a read token; "globex" (6 apps) is someone else's, so scoping is measured too.
import type { Config } from '../../src/config.ts';
import type { Db } from '../../src/infra/postgres.ts';
import { cliActor } from '../../src/modules/auth/auth-context.ts';
import { createApiToken } from '../../src/modules/auth/api-tokens.service.ts';
import { createUsersRepository } from '../../src/modules/auth/users.repository.ts';
import { createAppWithKey } from '../../src/modules/apps/apps.service.ts';
import { createMembershipsRepository } from '../../src/modules/members/memberships.repository.ts';
import { createOrg } from '../../src/modules/orgs/orgs.service.ts';
import type { GeneratedApp } from './generated-logs.ts';

export async function createBenchTenants(db: Db, config: Config) {
  const acme = await createOrg(db, { name: 'Acme', slug: 'acme' });
  const globex = await createOrg(db, { name: 'Globex', slug: 'globex' });
  const apps: GeneratedApp[] = [];
  for (const [org, count] of [
    [acme, 4],
    [globex, 6],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const { app: created } = await createAppWithKey(
        db,
        { orgId: org.id },
        { name: `${org.slug} app ${i}`, slug: `app-${i}` },
      );
      apps.push({ id: created.id, orgId: org.id });
    }
  }
  const user = await createUsersRepository(db).create({
    email: 'bench@acme.test',
    passwordHash: null,
    platformAdmin: false,
  });
  await createMembershipsRepository(db).add({ orgId: acme.id }, user.id, 'viewer');
  const { token } = await createApiToken(
    db,
    config,
    cliActor('bench'),
    { userId: user.id },
    { name: 'b', scope: 'read' },
  );
  return { acme, globex, apps, token };
}
