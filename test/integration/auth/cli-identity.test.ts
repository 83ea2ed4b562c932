// `mylog admin create`, `member add` and `token create`, run against a real database, and the
// credentials they produce used against the API.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { adminCreateCommand } from '../../../src/cli/commands/admin.ts';
import { memberAddCommand } from '../../../src/cli/commands/member.ts';
import { tokenCreateCommand } from '../../../src/cli/commands/token.ts';
import type { CommandContext } from '../../../src/cli/command.ts';
import { createOrg } from '../../../src/modules/orgs/orgs.service.ts';

t.test('identity CLI commands', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const ctx = {
    config,
    db,
    services: {} as CommandContext['services'],
    log: () => undefined,
  } as CommandContext;
  const run = (command: typeof adminCreateCommand, values: Record<string, string>) =>
    command.run(ctx, { values, positionals: [] });

  await t.rejects(run(adminCreateCommand, { email: 'root@x.test', password: 'short' }), {
    code: 'weak_password',
  });
  await run(adminCreateCommand, { email: 'root@x.test', password: 'a long password' });
  const login = await app.inject({
    method: 'POST',
    url: '/auth/local',
    payload: { email: 'root@x.test', password: 'a long password' },
  });
  t.equal(login.statusCode, 200);
  t.equal(login.json().user.platform_admin, true);

  await createOrg(db, { name: 'Acme', slug: 'acme' });
  const added = (await run(memberAddCommand, {
    org: 'acme',
    email: 'ops@acme.test',
    role: 'admin',
  })) as { member: { role: string } };
  t.equal(added.member.role, 'admin');
  const changed = (await run(memberAddCommand, {
    org: 'acme',
    email: 'ops@acme.test',
    role: 'owner',
  })) as { member: { role: string } };
  t.equal(changed.member.role, 'owner', 'running it again changes the role');
  await t.rejects(run(memberAddCommand, { org: 'nope', email: 'x@x.test', role: 'admin' }), {
    code: 'org_not_found',
  });

  const { token } = (await run(tokenCreateCommand, { email: 'ops@acme.test', scope: 'read' })) as {
    token: string;
  };
  const me = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
  t.equal(me.statusCode, 200);
  t.same(
    me.json().orgs.map((o: { slug: string; role: string }) => [o.slug, o.role]),
    [['acme', 'owner']],
  );
  t.equal(me.json().token_scope, 'read');
  const actions = (await db.selectFrom('audit_log').select('action').orderBy('id').execute()).map(
    (r) => r.action,
  );
  t.ok(
    actions.includes('member.add') &&
      actions.includes('member.update') &&
      actions.includes('api_token.create'),
    'CLI changes are audited',
  );
});

t.test('the dev IdP refuses to start in production', async (t) => {
  const { devIdp } = await import('../../../src/modules/auth/dev-idp/dev-idp.plugin.ts');
  const Fastify = (await import('fastify')).default;
  const app = Fastify();
  const { config } = await buildTestApp(t);
  app.decorate('config', { ...config, isProduction: true });
  await t.rejects(async () => {
    await app.register(devIdp).ready();
  }, /never run with NODE_ENV=production/);
  await app.close().catch(() => undefined);
});
