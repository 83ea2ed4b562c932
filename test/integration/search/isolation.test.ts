// Two tenants with rows in ClickHouse. Whatever org B's people name about org A (app id, app slug,
// a row id for context, a saved search id) answers 404 or nothing: never one of A's rows.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { makeTenant } from '../auth/auth-fixtures.ts';
import { get, insertRows, makeRow, nowNs, NS_PER_MS, qs } from './search-fixtures.ts';

t.test('search is tenant-scoped', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'iso-a');
  const b = await makeTenant(db, config, 'iso-b');
  const at = nowNs() - 60_000n * NS_PER_MS;
  const secretRow = makeRow(
    { orgId: a.org.id, appId: a.app.id },
    { tsNs: at, message: 'secret of org a', attributes: { secret: 'yes' } },
  );
  await insertRows(clickhouse, [
    secretRow,
    makeRow({ orgId: b.org.id, appId: b.app.id }, { tsNs: at, message: 'org b line' }),
  ]);
  const saved = await app.inject({
    method: 'POST',
    url: '/v1/saved-searches',
    headers: { authorization: `Bearer ${a.tokens.member}` },
    payload: { org: a.org.id, name: 'a shared', query: 'secret', visibility: 'org' },
  });
  t.equal(saved.statusCode, 201, saved.body);
  const savedId = saved.json().saved_search.id as string;

  const range = { from: 'now-1h', to: 'now+1m' };
  // A 404 may repeat the ref the caller sent; what must never appear is A's data.
  const leaks = (body: string) => body.includes('secret of org a') || body.includes('"yes"');

  for (const role of ['owner', 'viewer'] as const) {
    const token = b.tokens[role];
    await t.test(`org B ${role}`, async (t) => {
      // Both apps are slug "web": B's "web" is B's own app, never A's.
      const own = (await get(app, token, `/v1/logs?${qs({ ...range, apps: 'web' })}`)).json();
      t.same(
        own.rows.map((r: { message: string }) => r.message),
        ['org b line'],
      );
      const everything = await get(app, token, `/v1/logs?${qs({ ...range, q: 'secret' })}`);
      t.same(everything.json().rows, [], 'a default search sees only B');
      const urls = [
        `/v1/logs?${qs({ ...range, apps: a.app.id })}`,
        `/v1/logs?${qs({ ...range, apps: `${b.app.id},${a.app.id}` })}`,
        `/v1/logs/histogram?${qs({ ...range, apps: a.app.id })}`,
        `/v1/logs/fields?${qs({ ...range, apps: a.app.id })}`,
        `/v1/logs/fields/secret/values?${qs({ ...range, apps: a.app.id })}`,
        `/v1/logs/export?${qs({ ...range, apps: a.app.id })}`,
        `/v1/logs/${secretRow.id as string}/context`,
        `/v1/saved-searches/${savedId}`,
      ];
      for (const url of urls) {
        const res = await get(app, token, url);
        t.equal(res.statusCode, 404, `${url} → ${res.statusCode}`);
        t.notOk(leaks(res.body), `${url} leaks nothing`);
      }
      for (const url of [
        `/v1/logs/export?${qs({ ...range, q: 'secret' })}`,
        `/v1/logs/fields?${qs(range)}`,
        `/v1/logs/fields/secret/values?${qs(range)}`,
        `/v1/logs/histogram?${qs({ ...range, q: 'secret' })}`,
        '/v1/saved-searches',
      ]) {
        const res = await get(app, token, url);
        t.equal(res.statusCode, 200, url);
        t.notOk(
          leaks(res.body) || res.body.includes(savedId) || res.body.includes(a.app.id),
          `${url} leaks nothing`,
        );
      }
      const hist = (
        await get(app, token, `/v1/logs/histogram?${qs({ ...range, q: 'secret' })}`)
      ).json();
      t.equal(
        hist.buckets.reduce((n: number, x: { total: number }) => n + x.total, 0),
        0,
        'histogram counts none of A',
      );
      const values = (await get(app, token, `/v1/logs/fields/secret/values?${qs(range)}`)).json();
      t.same(values.values, []);
      for (const [method, payload] of [
        ['PATCH', { name: 'pwned' }],
        ['DELETE', undefined],
      ] as const) {
        const res = await app.inject({
          method,
          url: `/v1/saved-searches/${savedId}`,
          headers: { authorization: `Bearer ${token}` },
          ...(payload ? { payload } : {}),
        });
        t.equal(res.statusCode, 404, `${method} saved search`);
      }
      const create = await app.inject({
        method: 'POST',
        url: '/v1/saved-searches',
        headers: { authorization: `Bearer ${token}` },
        payload: { org: a.org.id, name: 'intruder' },
      });
      t.equal(create.statusCode, 404, 'cannot save into org A');
    });
  }
  const still = (await get(app, a.tokens.viewer, `/v1/saved-searches/${savedId}`)).json();
  t.equal(still.saved_search.name, 'a shared', 'A’s saved search unchanged');
  const aSees = (
    await get(app, a.tokens.viewer, `/v1/logs/${secretRow.id as string}/context`)
  ).json();
  t.equal(aSees.row.message, 'secret of org a', 'A itself can open the context');
});
