// Issue 21 item 5: audit filters that Postgres cannot take are a 400 that names the parameter,
// never a 500 (an id past bigint, a leap second, a NUL byte).
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { call, makeTenant } from '../auth/auth-fixtures.ts';

t.test('audit filters', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'audit-in');
  const cases: [string, string][] = [
    ['cursor=9223372036854775808', 'cursor'],
    ['cursor=99999999999999999999999', 'cursor'],
    ['from=2016-12-31T23:59:60Z', 'from'],
    ['to=2016-02-30T00:00:00Z', 'to'],
    ['to=2016-02-30T00:00:00%2B01:00', 'to'],
    ['target=a%00b', 'target'],
    ['actor=a%00b', 'actor'],
    ['action=app%00', 'action'],
  ];
  for (const [query, param] of cases) {
    const res = await call(app, a.tokens.owner, 'GET', `/v1/audit?${query}`);
    t.equal(res.statusCode, 400, `${query}: ${res.body}`);
    t.equal(res.json().error.code, 'invalid_request', query);
    t.match(res.json().error.message, param, `${query} names ${param}`);
  }
  const ok = await call(
    app,
    a.tokens.owner,
    'GET',
    '/v1/audit?cursor=9007199254740991&from=2016-12-31T23:59:59Z',
  );
  t.equal(ok.statusCode, 200, ok.body);
});

t.test('a Postgres data error anywhere is a 400, not a 500', async (t) => {
  const { app, db, config } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'pg-data');
  // A NUL byte in a JSON string reaches a text column through the saved-search API.
  const res = await call(app, a.tokens.owner, 'POST', '/v1/saved-searches', {
    org: a.org.slug,
    name: 'nul\u0000name',
    query: 'level:error',
  });
  t.equal(res.statusCode, 400, res.body);
});
