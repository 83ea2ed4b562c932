// Pure pieces of identity: password hashes, role claims, return_to, roles, dev IdP refusal.
import t from 'tap';
import { hashPassword, verifyPassword } from '../../../src/modules/auth/password-hash.ts';
import { parseRoleClaims, claimValues } from '../../../src/modules/auth/sso-provisioning.ts';
import { safeReturnTo } from '../../../src/modules/auth/return-to.ts';
import { roleAtLeast } from '../../../src/modules/auth/roles.ts';
import { loadConfig } from '../../../src/config.ts';
import { escapeHtml } from '../../../src/modules/auth/dev-idp/dev-idp-pages.ts';

t.test('scrypt password hashes', async (t) => {
  const hash = await hashPassword('s3cret pass');
  t.match(hash, /^scrypt\$32768\$8\$1\$/);
  t.equal(await verifyPassword('s3cret pass', hash), true);
  t.equal(await verifyPassword('s3cret pasS', hash), false);
  t.not(await hashPassword('s3cret pass'), hash, 'salted');
  t.equal(await verifyPassword('x', 'garbage'), false);
});

t.test('role claims read <org slug>:<role>', async (t) => {
  const roles = parseRoleClaims([
    'acme:admin',
    'acme:viewer',
    'Beta:Owner',
    'nonsense',
    'x:superuser',
    ':admin',
  ]);
  t.same(
    [...roles],
    [
      ['acme', 'admin'],
      ['beta', 'owner'],
    ],
    'strongest role wins, junk ignored',
  );
  t.same(claimValues('acme:admin'), ['acme:admin']);
  t.same(claimValues(['a:viewer', 3]), ['a:viewer']);
  t.same(claimValues(undefined), []);
});

t.test('return_to is same-origin only', async (t) => {
  t.equal(safeReturnTo('/explore?q=1'), '/explore?q=1');
  for (const bad of [
    'https://evil.test',
    '//evil.test',
    '/\\evil.test',
    'evil',
    undefined,
    '/\t/evil.test',
    '/\r\n/evil.test',
    '/x\u0085y',
    'javascript:alert(1)',
  ])
    t.equal(safeReturnTo(bad), '/', JSON.stringify(bad));
  t.equal(safeReturnTo('/logs?q=a%20b#x'), '/logs?q=a%20b#x');
});

t.test('role ladder', async (t) => {
  t.ok(roleAtLeast('owner', 'admin'));
  t.ok(roleAtLeast('member', 'viewer'));
  t.notOk(roleAtLeast('viewer', 'member'));
  t.notOk(roleAtLeast('admin', 'owner'));
});

t.test('dev IdP only without an issuer and outside production', async (t) => {
  t.equal(loadConfig({ NODE_ENV: 'development' }).auth.devIdpEnabled, true);
  t.equal(
    loadConfig({ NODE_ENV: 'development', OIDC_ISSUER: 'https://idp.test', OIDC_CLIENT_ID: 'x' })
      .auth.devIdpEnabled,
    false,
  );
  const prod = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://x/y',
    CLICKHOUSE_URL: 'http://ch:8123',
    REDIS_URL: 'redis://r:6379',
    SESSION_SECRET: 'x'.repeat(32),
    PUBLIC_URL: 'https://logs.example.com',
  });
  t.equal(prod.auth.devIdpEnabled, false);
  t.equal(prod.auth.cookieSecure, true, 'Secure cookies behind https');
  t.equal(escapeHtml('<a href="x">'), '&#60;a href=&#34;x&#34;&#62;');
});
