// Issue 21 item 7: adding a member by e-mail is an invitation. The answer is the same whether the
// address has an account in another tenant or none, nothing about that user leaks, and the
// membership starts when the address next signs in.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { call, makeTenant, makeUser } from '../auth/auth-fixtures.ts';

t.test('member invitations', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'inv-a');
  const b = await makeTenant(db, config, 'inv-b');
  const outsider = await makeUser(db, 'outsider@inv-b.test', { password: 'a long password' });

  const existing = await call(app, a.tokens.admin, 'POST', '/v1/orgs/inv-a/members', {
    email: 'outsider@inv-b.test',
    role: 'viewer',
  });
  const unknown = await call(app, a.tokens.admin, 'POST', '/v1/orgs/inv-a/members', {
    email: 'nobody@nowhere.test',
    role: 'viewer',
  });
  t.equal(existing.statusCode, 202, existing.body);
  t.equal(unknown.statusCode, 202, unknown.body);
  t.same(Object.keys(existing.json()), ['invitation']);
  t.same(Object.keys(existing.json().invitation).sort(), ['created_at', 'email', 'id', 'role']);
  t.same(
    Object.keys(unknown.json().invitation).sort(),
    Object.keys(existing.json().invitation).sort(),
    'an account elsewhere and no account answer alike',
  );
  t.notMatch(existing.body, outsider.id, 'no user id');
  t.notMatch(existing.body, /name/, 'no user name');

  const before = await call(app, a.tokens.admin, 'GET', '/v1/orgs/inv-a/members');
  t.notMatch(before.body, 'outsider@inv-b.test', 'not a member before signing in');

  const login = await app.inject({
    method: 'POST',
    url: '/auth/local',
    payload: { email: 'outsider@inv-b.test', password: 'a long password' },
  });
  t.equal(login.statusCode, 200, login.body);
  const after = await call(app, a.tokens.admin, 'GET', '/v1/orgs/inv-a/members');
  const joined = after
    .json()
    .members.find((m: { email: string }) => m.email === 'outsider@inv-b.test');
  t.equal(joined?.role, 'viewer', 'a member from the next sign-in on');
  const pending = await call(app, a.tokens.admin, 'GET', '/v1/orgs/inv-a/invitations');
  t.same(
    pending.json().invitations.map((i: { email: string }) => i.email),
    ['nobody@nowhere.test'],
    'the accepted invitation is gone',
  );

  await t.test('a current member is a 409; another org gets 404', async (t) => {
    const again = await call(app, a.tokens.admin, 'POST', '/v1/orgs/inv-a/members', {
      email: 'viewer@inv-a.test',
      role: 'admin',
    });
    t.equal(again.statusCode, 409);
    const id = pending.json().invitations[0].id as string;
    t.equal((await call(app, b.tokens.owner, 'GET', '/v1/orgs/inv-a/invitations')).statusCode, 404);
    t.equal(
      (await call(app, b.tokens.owner, 'DELETE', `/v1/orgs/inv-a/invitations/${id}`)).statusCode,
      404,
    );
    t.equal(
      (await call(app, b.tokens.owner, 'DELETE', `/v1/orgs/inv-b/invitations/${id}`)).statusCode,
      404,
      "org B's own path cannot reach org A's invitation",
    );
    t.equal(
      (await call(app, a.tokens.viewer, 'GET', '/v1/orgs/inv-a/invitations')).statusCode,
      403,
    );
    const withdrawn = await call(app, a.tokens.admin, 'DELETE', `/v1/orgs/inv-a/invitations/${id}`);
    t.equal(withdrawn.statusCode, 200);
    t.same((await call(app, a.tokens.admin, 'GET', '/v1/orgs/inv-a/invitations')).json(), {
      invitations: [],
    });
  });
});
