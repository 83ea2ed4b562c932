// The Context tab's promise: "lines around this one from the same app, host and service". By
// default the context endpoint keeps to the row's host and service; `around=app` widens it to the
// whole app. Another tenant still gets a 404.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { makeTenant } from '../auth/auth-fixtures.ts';
import { get, insertRows, makeRow, nowNs, NS_PER_MS } from './search-fixtures.ts';

t.test('context: same host and service by default, the whole app on request', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'ctx-a');
  const b = await makeTenant(db, config, 'ctx-b');
  const tenant = { orgId: a.org.id, appId: a.app.id };
  const base = nowNs() - 10n * 60_000n * NS_PER_MS;
  // Three sources interleaved one millisecond apart: api@web-1, api@web-2, worker@web-1.
  const sources = [
    { service: 'api', host: 'web-1' },
    { service: 'api', host: 'web-2' },
    { service: 'worker', host: 'web-1' },
  ];
  const rows = Array.from({ length: 15 }, (_, i) => {
    const source = sources[i % 3]!;
    return makeRow(tenant, {
      tsNs: base + BigInt(i) * NS_PER_MS,
      ...source,
      message: `${source.service}@${source.host} #${i}`,
    });
  });
  await insertRows(clickhouse, rows);
  const middle = rows[6] as { id: string }; // api@web-1 #6
  const messages = (list: { message: string }[]) => list.map((r) => r.message);

  const same = await get(app, a.tokens.viewer, `/v1/logs/${middle.id}/context?before=5&after=5`);
  t.equal(same.statusCode, 200, same.body);
  t.same(messages(same.json().before), ['api@web-1 #0', 'api@web-1 #3']);
  t.same(messages(same.json().after), ['api@web-1 #9', 'api@web-1 #12']);

  const wide = await get(
    app,
    a.tokens.viewer,
    `/v1/logs/${middle.id}/context?before=3&after=2&around=app`,
  );
  t.equal(wide.statusCode, 200, wide.body);
  t.same(
    messages(wide.json().before),
    ['api@web-2 #4', 'worker@web-1 #5', 'api@web-1 #3'].sort(
      (x, y) => Number(x.split('#')[1]) - Number(y.split('#')[1]),
    ),
  );
  t.same(messages(wide.json().after), ['api@web-2 #7', 'worker@web-1 #8']);

  const bad = await get(app, a.tokens.viewer, `/v1/logs/${middle.id}/context?around=org`);
  t.equal(bad.statusCode, 400, 'an unknown widening is a 400');
  t.equal(bad.json().error.code, 'invalid_request');

  for (const around of ['source', 'app']) {
    const foreign = await get(
      app,
      b.tokens.viewer,
      `/v1/logs/${middle.id}/context?around=${around}`,
    );
    t.equal(foreign.statusCode, 404, `another org's viewer gets 404 (${around})`);
  }
});
