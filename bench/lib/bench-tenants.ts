// The tenants the search and analytics benches query: the benchmarking user reads org "acme"
// (4 apps) with a read token; "globex" (6 apps) is someone else's, so scoping is measured too.
// Their ids are fixed, so a dataset kept on disk (--dataset) belongs to the tenants of the next run
// too, whose Postgres database is a fresh one.
import type { Config } from '../../src/config.ts';
import type { Db } from '../../src/infra/postgres.ts';
import { cliActor } from '../../src/modules/auth/auth-context.ts';
import { createApiToken } from '../../src/modules/auth/api-tokens.service.ts';
import { createUsersRepository } from '../../src/modules/auth/users.repository.ts';
import { createAppWithKey } from '../../src/modules/apps/apps.service.ts';
import { createMembershipsRepository } from '../../src/modules/members/memberships.repository.ts';
import { createOrg } from '../../src/modules/orgs/orgs.service.ts';
import type { GeneratedApp } from './generated-logs.ts';

const fixedId = (kind: number, n: number) =>
  `00000000-0000-4000-8000-${kind.toString(16).padStart(4, '0')}${n.toString(16).padStart(8, '0')}`;

export async function createBenchTenants(db: Db, config: Config) {
  const acme = await createOrg(db, { name: 'Acme', slug: 'acme' });
  const globex = await createOrg(db, { name: 'Globex', slug: 'globex' });
  const apps: GeneratedApp[] = [];
  for (const [orgIndex, org, count] of [
    [1, acme, 4],
    [2, globex, 6],
  ] as const) {
    // Nothing references the org yet, so its id can still change.
    org.id = (
      await db
        .updateTable('orgs')
        .set({ id: fixedId(0, orgIndex) })
        .where('id', '=', org.id)
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    for (let i = 0; i < count; i++) {
      const { app: created } = await createAppWithKey(
        db,
        { orgId: org.id },
        { name: `${org.slug} app ${i}`, slug: `app-${i}` },
      );
      // The bench needs no ingest key, and the app's id can change only once nothing points at it.
      await db.deleteFrom('ingest_keys').where('app_id', '=', created.id).execute();
      const { id } = await db
        .updateTable('apps')
        .set({ id: fixedId(orgIndex, i) })
        .where('id', '=', created.id)
        .returning('id')
        .executeTakeFirstOrThrow();
      apps.push({ id, orgId: org.id });
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
