// A role that the IdP's claim sets is set again at every SSO sign-in, so MyLog says so (members list
// `sso_managed`) and refuses to change it (409) instead of accepting a change that silently reverts.
// A membership granted in MyLog, or one the claim stopped naming, stays changeable.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { provisionSsoUser } from '../../../src/modules/auth/sso-provisioning.ts';
import { call, makeTenant } from './auth-fixtures.ts';

const META = { ip: null, userAgent: null, requestId: null };

t.test('roles from the SSO claim are marked and not changeable here', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const acme = await makeTenant(db, config, 'acme');
  const other = await makeTenant(db, config, 'other');
  const signIn = (roleClaims: string[]) =>
    provisionSsoUser(
      db,
      {
        issuer: 'https://idp.test',
        subject: 'sub-1',
        email: 'sso-user@acme.test',
        emailVerified: true,
        name: 'SSO User',
        roleClaims,
      },
      META,
    );
  const user = await signIn(['acme:viewer']);
  const members = async () => {
    const res = await call(app, acme.tokens.owner, 'GET', `/v1/orgs/${acme.org.id}/members`);
    t.equal(res.statusCode, 200, res.body);
    return res.json().members as { user_id: string; role: string; sso_managed: boolean }[];
  };
  const row = async (id: string) => (await members()).find((m) => m.user_id === id);

  t.equal((await row(user.id))?.sso_managed, true, 'the claimed membership is marked');
  t.equal((await row(acme.users.member.id))?.sso_managed, false, 'one granted here is not');

  const refused = await call(
    app,
    acme.tokens.owner,
    'PATCH',
    `/v1/orgs/${acme.org.id}/members/${user.id}`,
    { role: 'admin' },
  );
  t.equal(refused.statusCode, 409, refused.body);
  t.equal(refused.json().error.code, 'role_managed_by_sso');
  t.match(refused.json().error.message, /identity provider/);
  t.equal((await row(user.id))?.role, 'viewer', 'the role is unchanged');

  const granted = await call(
    app,
    acme.tokens.owner,
    'PATCH',
    `/v1/orgs/${acme.org.id}/members/${acme.users.member.id}`,
    { role: 'admin' },
  );
  t.equal(granted.statusCode, 200, 'a role granted in MyLog still changes');

  const foreign = await call(
    app,
    other.tokens.owner,
    'PATCH',
    `/v1/orgs/${acme.org.id}/members/${user.id}`,
    { role: 'admin' },
  );
  t.equal(foreign.statusCode, 404, "another org's owner cannot even see it");

  await signIn([]);
  t.equal((await row(user.id))?.sso_managed, false, 'no longer claimed: managed here again');
  const nowFree = await call(
    app,
    acme.tokens.owner,
    'PATCH',
    `/v1/orgs/${acme.org.id}/members/${user.id}`,
    { role: 'member' },
  );
  t.equal(nowFree.statusCode, 200, nowFree.body);
  t.equal((await row(user.id))?.role, 'member');
});
