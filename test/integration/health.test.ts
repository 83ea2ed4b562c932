import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';

t.test('health, readiness and metrics', async (t) => {
  const { app } = await buildTestApp(t);

  const healthz = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(healthz.statusCode, 200);
  t.same(healthz.json(), { status: 'ok' });

  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 200);
  const body = ready.json();
  t.equal(body.status, 'ready');
  for (const name of ['postgres', 'redis', 'clickhouse'])
    t.equal(body.checks[name].ok, true, `${name} answers`);

  app.lifecycle.state = 'draining';
  const draining = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(draining.statusCode, 503, 'a draining instance leaves the load balancer');
  t.equal(draining.json().status, 'draining');
  app.lifecycle.state = 'ready';

  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(metrics.statusCode, 200);
  t.match(metrics.headers['content-type'], /text\/plain/);
  t.match(metrics.body, /mylog_http_request_duration_seconds_bucket\{[^}]*route="\/readyz"/);
  t.match(metrics.body, /mylog_process_resident_memory_bytes/);
});

t.test('a dependency that stops answering makes readiness fail, not hang', async (t) => {
  const { app, redis } = await buildTestApp(t, { env: { READYZ_TIMEOUT_MS: '300' } });
  redis.disconnect();
  const started = Date.now();
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 503);
  t.equal(ready.json().checks.redis.ok, false);
  t.equal(ready.json().checks.postgres.ok, true);
  // A hang would never answer; the bound leaves room for a loaded CI box (it took over 2 s there).
  const elapsedMs = Date.now() - started;
  t.ok(elapsedMs < 5_000, `answers without waiting for the lost dependency (${elapsedMs} ms)`);
});

t.test('errors share one shape and carry the request id', async (t) => {
  const { app } = await buildTestApp(t);
  const missing = await app.inject({
    method: 'GET',
    url: '/v1/nothing-here',
    headers: { 'x-request-id': 'req-abc.1' },
  });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().error.code, 'route_not_found');
  t.equal(missing.headers['x-request-id'], 'req-abc.1');
  const generated = await app.inject({
    method: 'GET',
    url: '/healthz',
    headers: { 'x-request-id': 'bad id with spaces' },
  });
  t.match(
    generated.headers['x-request-id'],
    /^[0-9a-f-]{36}$/,
    'an unsafe incoming id is replaced',
  );
});
