// Issue 21 items 10 and 11: /metrics and /docs are not open to anyone, and API answers carry
// nosniff, no-store and (behind https) HSTS.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { bearer, makeTenant } from '../auth/auth-fixtures.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

t.test('/metrics: loopback, or a bearer token from elsewhere', async (t) => {
  const { app } = await buildTestApp(t, { env: { METRICS_TOKEN } });
  const remote = { remoteAddress: '203.0.113.9' };
  const anon = await app.inject({ url: '/metrics', ...remote });
  t.equal(anon.statusCode, 401, anon.body);
  const wrong = await app.inject({ url: '/metrics', headers: bearer('nope'), ...remote });
  t.equal(wrong.statusCode, 401);
  const ok = await app.inject({ url: '/metrics', headers: bearer(METRICS_TOKEN), ...remote });
  t.equal(ok.statusCode, 200);
  t.match(ok.body, /mylog_http_request_duration_seconds/);
  const local = await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
  t.equal(local.statusCode, 200, 'a scraper on the same host needs no token');
});

t.test('/metrics without METRICS_TOKEN: loopback only', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ url: '/metrics', remoteAddress: '203.0.113.9' });
  t.equal(res.statusCode, 401);
  t.match(res.json().error.message, /METRICS_TOKEN/);
});

t.test('/docs: signed-in by default, with CSP and X-Frame-Options', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'docs-a');
  for (const url of ['/docs', '/docs/json', '/docs/static/index.html']) {
    const anon = await app.inject({ url });
    t.equal(anon.statusCode, 401, `${url} anonymous`);
  }
  const page = await app.inject({
    url: '/docs',
    headers: bearer(a.tokens.viewer),
  });
  t.equal(page.statusCode, 200, page.body.slice(0, 200));
  t.match(page.headers['content-security-policy'], /frame-ancestors 'none'/);
  t.equal(page.headers['x-frame-options'], 'DENY');
  const doc = await app.inject({ url: '/docs/json', headers: bearer(a.tokens.viewer) });
  t.equal(doc.statusCode, 200);
  t.ok(doc.json().paths['/v1/logs']);
});

t.test('/docs by config: public or off', async (t) => {
  const open = await buildTestApp(t, { env: { DOCS_ACCESS: 'public' } });
  t.equal((await open.app.inject({ url: '/docs/json' })).statusCode, 200);
  const off = await buildTestApp(t, { env: { DOCS_ACCESS: 'off' } });
  t.equal((await off.app.inject({ url: '/docs/json' })).statusCode, 404);
});

t.test('API answers: nosniff and no-store; HSTS only behind https', async (t) => {
  const plain = await buildTestApp(t);
  const a = await makeTenant(plain.db, plain.config, 'hdr-a');
  for (const url of ['/v1/me', '/v1/logs', '/v1/does-not-exist']) {
    const res = await plain.app.inject({ url, headers: bearer(a.tokens.viewer) });
    t.equal(res.headers['x-content-type-options'], 'nosniff', url);
    t.equal(res.headers['cache-control'], 'no-store', url);
    t.notOk(res.headers['strict-transport-security'], `${url}: no HSTS over http`);
  }
  const secure = await buildTestApp(t, { env: { PUBLIC_URL: 'https://logs.example.com' } });
  const res = await secure.app.inject({ url: '/healthz' });
  t.match(res.headers['strict-transport-security'], /^max-age=\d{7,}; includeSubDomains$/);
});
