import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { bearer, createTenant, storedRows, waitForRows } from './ingest-fixtures.ts';

t.test('smoke', async (t) => {
  const { app, db, clickhouse } = await buildTestApp(t);
  const tenant = await createTenant(db);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/logs',
    headers: { ...bearer(tenant.key), 'content-type': 'application/json' },
    payload: [{ message: 'hello', level: 'warn', user: { id: 1 } }, { msg: 'two' }],
  });
  t.equal(res.statusCode, 202, res.body);
  t.same(res.json(), { accepted: 2, rejected: [] });
  t.equal(await waitForRows(clickhouse, tenant.appId, 2), 2);
  t.matchOnly((await storedRows(clickhouse, tenant.appId)).map((r) => r.message).sort(), [
    'hello',
    'two',
  ]);
});
