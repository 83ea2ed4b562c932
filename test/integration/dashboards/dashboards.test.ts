// /v1/dashboards on real Postgres and chdb: CRUD with audit, version conflicts, export → import
// round trip, panel checks, the built-ins, and tenant isolation of every dashboards, aggregate and
// ingest-stats route (org B gets 404 or nothing on org A's ids).
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { auditCount, makeTenant } from '../auth/auth-fixtures.ts';
import { insertRows, makeRow, nowNs, NS_PER_MS } from '../search/search-fixtures.ts';

const panels = [
  {
    id: 'by-level',
    title: 'By level',
    type: 'timeseries',
    query: {
      q: 'service:$service',
      measures: [{ op: 'count' }],
      group_by: ['level'],
      interval: 'auto',
    },
    layout: { x: 0, y: 0, w: 6, h: 4 },
    options: { style: 'bars', stacked: true },
  },
  {
    id: 'slow',
    title: 'Slowest',
    type: 'table',
    query: { measures: [{ op: 'p95', field: 'duration_ms' }], group_by: ['route'] },
    layout: { x: 6, y: 0, w: 6, h: 4 },
  },
  {
    id: 'note',
    title: 'Read me',
    type: 'markdown',
    layout: { x: 0, y: 4, w: 12, h: 2 },
    options: { text: '# Hello' },
  },
];

t.test('dashboards', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t);
  const a = await makeTenant(db, config, 'dash-a');
  const b = await makeTenant(db, config, 'dash-b');
  const call = (token: string, method: string, url: string, payload?: unknown) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const body = {
    org: 'dash-a',
    name: 'Checkout',
    description: 'the checkout service',
    visibility: 'org',
    variables: [{ name: 'service', field: 'service', default: 'checkout' }],
    panels,
  };

  const audits = await auditCount(db);
  const created = await call(a.tokens.member, 'POST', '/v1/dashboards', body);
  t.equal(created.statusCode, 201, created.body);
  const dash = created.json().dashboard;
  t.equal(dash.version, 1);
  t.equal(dash.org_id, a.org.id);
  t.same(dash.panels, panels);
  t.equal(await auditCount(db), audits + 1, 'create is audited');

  await t.test('viewers read, list shows it with the built-ins', async (t) => {
    const list = await call(a.tokens.viewer, 'GET', '/v1/dashboards?org=dash-a');
    t.equal(list.statusCode, 200);
    t.same(
      list.json().dashboards.map((d: { name: string }) => d.name),
      ['Checkout'],
    );
    t.same(
      list.json().builtin.map((d: { name: string }) => d.name),
      ['overview', 'ingest_health'],
    );
    const one = await call(a.tokens.viewer, 'GET', `/v1/dashboards/${dash.id}`);
    t.same(one.json().dashboard.panels, panels);
    const denied = await call(a.tokens.viewer, 'POST', '/v1/dashboards', body);
    t.equal(denied.statusCode, 403, 'viewers cannot create (read token)');
  });

  await t.test('updates carry the version they read; a stale one is 409', async (t) => {
    const first = await call(a.tokens.member, 'PUT', `/v1/dashboards/${dash.id}`, {
      version: 1,
      name: 'Checkout v2',
    });
    t.equal(first.statusCode, 200, first.body);
    t.equal(first.json().dashboard.version, 2);
    t.same(first.json().dashboard.panels, panels, 'unchanged fields kept');
    const stale = await call(a.tokens.member, 'PUT', `/v1/dashboards/${dash.id}`, {
      version: 1,
      name: 'lost update',
    });
    t.equal(stale.statusCode, 409);
    t.equal(stale.json().error.code, 'version_conflict');
    const after = await call(a.tokens.viewer, 'GET', `/v1/dashboards/${dash.id}`);
    t.equal(after.json().dashboard.name, 'Checkout v2');
  });

  await t.test('export ?format=json and import round-trip exactly', async (t) => {
    const exported = await call(a.tokens.viewer, 'GET', `/v1/dashboards/${dash.id}?format=json`);
    t.equal(exported.statusCode, 200);
    const doc = exported.json();
    t.equal(doc.mylog_dashboard, 1);
    t.notOk('id' in doc, 'nothing instance-specific');
    const imported = await call(a.tokens.member, 'POST', '/v1/dashboards/import', {
      org: 'dash-a',
      dashboard: doc,
    });
    t.equal(imported.statusCode, 201, imported.body);
    const again = await call(
      a.tokens.viewer,
      'GET',
      `/v1/dashboards/${imported.json().dashboard.id as string}?format=json`,
    );
    t.equal(again.body, exported.body, 'byte-identical export after import');
  });

  await t.test('panels are checked', async (t) => {
    const bad = [
      [{ ...panels[0], query: { measures: [] } }],
      [{ ...panels[0], query: { q: 'level:(', measures: [{ op: 'count' }] } }],
      [panels[0], panels[0]],
      [{ ...panels[0], layout: { x: 10, y: 0, w: 6, h: 2 } }],
    ];
    for (const p of bad) {
      const res = await call(a.tokens.member, 'POST', '/v1/dashboards', { ...body, panels: p });
      t.equal(res.statusCode, 400, JSON.stringify(p).slice(0, 80));
    }
  });

  await t.test('built-in Overview counts what ClickHouse holds', async (t) => {
    const at = nowNs() - 10n * 60_000n * NS_PER_MS;
    await insertRows(clickhouse, [
      makeRow(
        { orgId: a.org.id, appId: a.app.id },
        {
          tsNs: at,
          level: 'error',
          message: 'order 42 failed',
          attributes: { duration_ms: '120', route: '/pay' },
        },
      ),
      makeRow(
        { orgId: a.org.id, appId: a.app.id },
        {
          tsNs: at + 1n,
          level: 'error',
          message: 'order 97 failed',
          attributes: { duration_ms: '80', route: '/pay' },
        },
      ),
      makeRow(
        { orgId: b.org.id, appId: b.app.id },
        { tsNs: at, level: 'error', message: 'b secret 1' },
      ),
    ]);
    const res = await call(a.tokens.viewer, 'GET', '/v1/dashboards/builtin/overview?org=dash-a');
    t.equal(res.statusCode, 200, res.body);
    const overview = res.json().dashboard;
    const ids = overview.panels.map((p: { id: string }) => p.id);
    t.ok(ids.includes('slowest'), 'slowest endpoints appear with a duration attribute');
    const top = overview.panels.find((p: { id: string }) => p.id === 'top-errors');
    const agg = await call(a.tokens.viewer, 'POST', '/v1/logs/aggregate', {
      ...top.query,
      from: 'now-1h',
    });
    t.equal(agg.statusCode, 200, agg.body);
    t.same(agg.json().rows, [{ group: { message_pattern: 'order <*> failed' }, values: [2, 1] }]);
    const ingest = await call(
      a.tokens.viewer,
      'GET',
      '/v1/dashboards/builtin/ingest_health?org=dash-a',
    );
    t.equal(ingest.statusCode, 200);
    for (const panel of ingest.json().dashboard.panels) {
      const r = await call(a.tokens.viewer, 'POST', '/v1/ingest-stats/query', {
        org: 'dash-a',
        query: panel.query,
      });
      t.equal(r.statusCode, 200, `${panel.id as string}: ${r.body}`);
    }
  });

  await t.test('org B gets 404 or nothing on org A', async (t) => {
    const leaks = (s: string) => s.includes('Checkout') || s.includes('order');
    for (const role of ['owner', 'viewer'] as const) {
      const token = b.tokens[role];
      const requests: [string, string, unknown?][] = [
        ['GET', `/v1/dashboards/${dash.id}`],
        ['GET', `/v1/dashboards/${dash.id}?format=json`],
        ['PUT', `/v1/dashboards/${dash.id}`, { version: 2, name: 'mine now' }],
        ['DELETE', `/v1/dashboards/${dash.id}`],
        ['GET', '/v1/dashboards?org=dash-a'],
        ['GET', `/v1/dashboards?org=${a.org.id}`],
        ['GET', '/v1/dashboards/builtin/overview?org=dash-a'],
        ['GET', '/v1/dashboards/builtin/ingest_health?org=dash-a'],
        ['POST', '/v1/dashboards', body],
        [
          'POST',
          '/v1/dashboards/import',
          {
            org: 'dash-a',
            dashboard: {
              mylog_dashboard: 1,
              name: 'x',
              description: '',
              visibility: 'org',
              variables: [],
              panels: [],
            },
          },
        ],
        [
          'POST',
          '/v1/ingest-stats/query',
          { org: a.org.id, query: { source: 'ingest', metric: 'accepted_records' } },
        ],
        ['POST', '/v1/logs/aggregate', { apps: [a.app.id], measures: [{ op: 'count' }] }],
      ];
      for (const [method, url, payload] of requests) {
        const res = await call(token, method, url, payload);
        const expected =
          role === 'viewer' &&
          method !== 'GET' &&
          !url.includes('query') &&
          !url.includes('aggregate')
            ? [403, 404]
            : [404];
        t.ok(expected.includes(res.statusCode), `${role} ${method} ${url} → ${res.statusCode}`);
        t.notOk(leaks(res.body), `${method} ${url} leaks nothing`);
      }
      const own = await call(token, 'GET', '/v1/dashboards');
      t.same(own.json().dashboards, [], 'B lists none of A');
      const agg = await call(token, 'POST', '/v1/logs/aggregate', {
        from: 'now-1h',
        q: 'level:error',
        measures: [{ op: 'count' }],
        group_by: ['message_pattern'],
      });
      t.same(
        agg.json().rows.map((r: { group: { message_pattern: string } }) => r.group.message_pattern),
        ['b secret <*>'],
        'a default aggregate sees only B',
      );
    }
    const still = await call(a.tokens.viewer, 'GET', `/v1/dashboards/${dash.id}`);
    t.equal(still.json().dashboard.name, 'Checkout v2', 'A unchanged');
  });

  await t.test('delete is audited; then it is gone', async (t) => {
    const before = await auditCount(db);
    const res = await call(a.tokens.member, 'DELETE', `/v1/dashboards/${dash.id}`);
    t.equal(res.statusCode, 200);
    t.equal(await auditCount(db), before + 1);
    t.equal((await call(a.tokens.member, 'GET', `/v1/dashboards/${dash.id}`)).statusCode, 404);
  });
});
