// Redaction at ingest, end to end: the rules API (roles, validation, audit, tenant isolation), a
// card number sent in every ingest format redacted in ClickHouse, in the live tail and in an
// export, drop_record, preview over stored records, and the per-rule metrics.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { bearer, call, makeTenant } from '../auth/auth-fixtures.ts';
import { storedRows, waitForRows } from '../ingest/ingest-fixtures.ts';
import { TailClient } from '../tail/tail-fixtures.ts';
import { otlpProtobuf } from '../../../bench/lib/format-bodies.ts';

const CARD = '4111 1111 1111 1111';
const CARD_DIGITS = '4111111111111111';
const PARTIAL = '***************1111';

t.test('redaction at ingest', async (t) => {
  const { app, db, config } = await buildTestApp(t, {
    env: {
      INGEST_GROUP_COMMIT_WINDOW_MS: '10',
      INGEST_TAIL_SUBSCRIBER_CACHE_MS: '0',
      INGEST_STATS_FLUSH_INTERVAL_MS: '100',
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const a = await makeTenant(db, config, `red-a-${process.pid}`);
  const b = await makeTenant(db, config, `red-b-${process.pid}`);
  const admin = a.tokens.admin;
  const ingest = (url: string, payload: string | Buffer, contentType: string) =>
    app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(a.key.key), 'content-type': contentType },
      payload,
    });

  let cardRuleId = '';
  t.test('rules: create, list, change, validation, roles, audit', async (t) => {
    const created = await call(app, admin, 'POST', `/v1/apps/${a.app.id}/redaction-rules`, {
      name: 'cards',
      detector: { preset: 'payment_card' },
      scope: 'all',
      action: 'partial',
      keep: 4,
    });
    t.equal(created.statusCode, 201, created.body);
    const rule = created.json().rule;
    cardRuleId = rule.id;
    t.match(rule, { app_id: a.app.id, org_id: a.org.id, enabled: true, keep: 4 });

    const orgRule = await call(app, admin, 'POST', `/v1/orgs/${a.org.id}/redaction-rules`, {
      name: 'drop test records',
      detector: { pattern: 'DROP-ME-[0-9]+' },
      scope: 'message',
      action: 'drop_record',
    });
    t.equal(orgRule.statusCode, 201, orgRule.body);
    t.match(orgRule.json().rule, { app_id: null, scope: 'message' });

    const list = await call(app, a.tokens.member, 'GET', `/v1/apps/${a.app.id}/redaction-rules`);
    t.same(
      list.json().rules.map((r: { name: string }) => r.name),
      ['cards'],
      'members read the rules',
    );

    const bad = await call(app, admin, 'POST', `/v1/apps/${a.app.id}/redaction-rules`, {
      name: 'backref',
      detector: { pattern: '(a)\\1' },
      action: 'mask',
    });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().error.code, 'invalid_pattern');
    const unknown = await call(app, admin, 'POST', `/v1/apps/${a.app.id}/redaction-rules`, {
      name: 'x',
      detector: { preset: 'passport' },
      action: 'mask',
    });
    t.equal(unknown.statusCode, 400, 'an unknown preset is a 400');

    const byMember = await call(
      app,
      a.tokens.member,
      'POST',
      `/v1/apps/${a.app.id}/redaction-rules`,
      {
        name: 'm',
        detector: { preset: 'email' },
        action: 'mask',
      },
    );
    t.equal(byMember.statusCode, 403, 'members cannot change rules');

    const patched = await call(
      app,
      admin,
      'PATCH',
      `/v1/apps/${a.app.id}/redaction-rules/${rule.id}`,
      {
        name: 'payment cards',
      },
    );
    t.equal(patched.statusCode, 200, patched.body);
    t.equal(patched.json().rule.name, 'payment cards');

    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('org_id', '=', a.org.id)
      .where('action', 'like', 'redaction_rule.%')
      .orderBy('id')
      .execute();
    t.same(
      audit.map((e) => e.action),
      ['redaction_rule.create', 'redaction_rule.create', 'redaction_rule.update'],
      'every change audited',
    );
  });

  t.test("another org's admin gets 404 on this org's rules", async (t) => {
    const other = b.tokens.admin;
    for (const [method, url] of [
      ['GET', `/v1/apps/${a.app.id}/redaction-rules`],
      ['GET', `/v1/orgs/${a.org.id}/redaction-rules`],
      ['GET', `/v1/apps/${a.app.id}/redaction-rules/${cardRuleId}`],
      ['DELETE', `/v1/apps/${a.app.id}/redaction-rules/${cardRuleId}`],
      ['GET', `/v1/apps/${b.app.id}/redaction-rules/${cardRuleId}`],
      ['PATCH', `/v1/apps/${b.app.id}/redaction-rules/${cardRuleId}`],
      ['DELETE', `/v1/orgs/${b.org.id}/redaction-rules/${cardRuleId}`],
    ] as const) {
      const res = await call(
        app,
        other,
        method,
        url,
        method === 'PATCH' ? { enabled: false } : undefined,
      );
      t.equal(res.statusCode, 404, `${method} ${url}`);
    }
    const preview = await call(app, other, 'POST', `/v1/apps/${a.app.id}/redaction-rules/preview`, {
      rule: { name: 'p', detector: { preset: 'email' }, action: 'mask' },
    });
    t.equal(preview.statusCode, 404);
  });

  t.test(
    'a card number in every format: redacted in ClickHouse, the tail and an export',
    async (t) => {
      const tail = await TailClient.open(base, { token: admin });
      t.teardown(() => tail.close());
      t.equal((await tail.subscribe({ apps: [a.app.id] })).type, 'subscribed');
      const nowNs = `${BigInt(Date.now()) * 1_000_000n}`;
      const sent = [
        await ingest(
          '/v1/logs',
          JSON.stringify([{ message: `json paid ${CARD}`, card: CARD_DIGITS }]),
          'application/json',
        ),
        await ingest(
          '/v1/logs',
          `{"message":"ndjson paid ${CARD}","card":"${CARD_DIGITS}"}\n{"message":"DROP-ME-1 ${CARD}"}\n`,
          'application/x-ndjson',
        ),
        await ingest(
          '/otlp/v1/logs',
          JSON.stringify({
            resourceLogs: [
              {
                resource: { attributes: [{ key: 'service.name', value: { stringValue: 'pay' } }] },
                scopeLogs: [
                  {
                    logRecords: [
                      {
                        body: { stringValue: `otlp paid ${CARD}` },
                        attributes: [{ key: 'card', value: { stringValue: CARD_DIGITS } }],
                      },
                    ],
                  },
                ],
              },
            ],
          }),
          'application/json',
        ),
        // The protobuf fast path leaves an app with rules to the general path: checked here too.
        await ingest(
          '/otlp/v1/logs',
          otlpProtobuf({
            resourceLogs: [
              {
                resource: { attributes: [{ key: 'service.name', value: { stringValue: 'pay' } }] },
                scopeLogs: [
                  {
                    logRecords: [
                      {
                        body: { stringValue: `protobuf paid ${CARD}` },
                        attributes: [{ key: 'card', value: { stringValue: CARD } }],
                      },
                    ],
                  },
                ],
              },
            ],
          }),
          'application/x-protobuf',
        ),
        await ingest(
          '/logs-x/_bulk',
          `{"index":{}}\n{"message":"bulk paid ${CARD}","card":"${CARD_DIGITS}"}\n`,
          'application/x-ndjson',
        ),
        await ingest(
          '/loki/api/v1/push',
          JSON.stringify({
            streams: [
              { stream: { job: 'pay', card: CARD_DIGITS }, values: [[nowNs, `loki paid ${CARD}`]] },
            ],
          }),
          'application/json',
        ),
      ];
      for (const res of sent) t.ok(res.statusCode < 300, `${res.statusCode} ${res.body}`);
      t.match(sent[1]?.json(), { accepted: 2, rejected: [] }, 'a dropped record is accepted');

      t.equal(await waitForRows(app.clickhouse, a.app.id, 6), 6);
      const rows = await storedRows(app.clickhouse, a.app.id);
      t.equal(rows.length, 6, 'the dropped record is not stored');
      const stored = JSON.stringify(rows);
      t.notMatch(stored, CARD, 'no card number in ClickHouse');
      t.notMatch(stored, CARD_DIGITS);
      t.notMatch(stored, 'DROP-ME');
      for (const format of ['json', 'ndjson', 'otlp', 'protobuf', 'bulk', 'loki']) {
        const row = rows.find((r) => r.message.startsWith(`${format} `));
        t.equal(row?.message, `${format} paid ${PARTIAL}`, `${format}: message redacted`);
      }
      t.equal(
        rows.find((r) => r.message.startsWith('json'))?.attributes['card'],
        '************1111',
      );

      const tailed = await tail.waitRows(6);
      t.equal(tailed.length, 6, 'the tail got the stored records');
      t.notMatch(JSON.stringify(tailed), CARD_DIGITS, 'no card number in the tail');
      t.notMatch(JSON.stringify(tailed), CARD);
      t.match(JSON.stringify(tailed), PARTIAL);

      const exported = await app.inject({
        method: 'GET',
        url: `/v1/logs/export?apps=${a.app.id}&from=now-1h&to=now%2B1h`,
        headers: bearer(admin),
      });
      t.equal(exported.statusCode, 200, exported.body.slice(0, 300));
      t.equal(
        exported.body
          .trim()
          .split('\n')
          .filter((l) => l.includes('paid')).length,
        6,
      );
      t.notMatch(exported.body, CARD_DIGITS, 'no card number in the export');
      t.notMatch(exported.body, CARD);
    },
  );

  t.test('preview runs a draft rule over stored records', async (t) => {
    const res = await call(app, admin, 'POST', `/v1/apps/${a.app.id}/redaction-rules/preview`, {
      rule: { name: 'paid', detector: { pattern: 'paid' }, scope: 'message', action: 'mask' },
    });
    t.equal(res.statusCode, 200, res.body);
    const body = res.json();
    t.equal(body.sampled, 6);
    t.equal(body.matched, 6);
    t.match(body.records[0].after.message, '[REDACTED:paid]');
    t.match(body.records[0].before.message, 'paid');
    const none = await call(app, admin, 'POST', `/v1/apps/${a.app.id}/redaction-rules/preview`, {
      rule: { name: 'mail', detector: { preset: 'email' }, action: 'mask' },
    });
    t.same(none.json(), { sampled: 6, matched: 0, records: [] });
  });

  t.test('counted per rule in the metrics; a deleted rule stops applying at once', async (t) => {
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    t.match(
      metrics.body,
      new RegExp(
        `mylog_redaction_records_total\\{app_id="${a.app.id}",rule_id="${cardRuleId}"\\} [1-9]`,
      ),
    );
    // The tenant's own counters (Ingest health dashboard), per rule name.
    // Flushed every INGEST_STATS_FLUSH_INTERVAL_MS (100 ms here).
    type Rows = { rows: { group: { reason: string }; values: number[] }[] };
    let byRule: Rows['rows'] = [];
    for (let i = 0; i < 50; i++) {
      const panel = await call(app, admin, 'POST', '/v1/ingest-stats/query', {
        org: a.org.id,
        query: { source: 'ingest', metric: 'redacted_values', group_by: ['reason'] },
      });
      t.equal(panel.statusCode, 200, panel.body);
      byRule = (panel.json() as Rows).rows;
      if ((byRule.find((r) => r.group.reason === 'payment cards')?.values[0] ?? 0) >= 6) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    t.ok(
      (byRule.find((r) => r.group.reason === 'payment cards')?.values[0] ?? 0) >= 6,
      `values redacted by the payment cards rule: ${JSON.stringify(byRule)}`,
    );
    const del = await call(
      app,
      admin,
      'DELETE',
      `/v1/apps/${a.app.id}/redaction-rules/${cardRuleId}`,
    );
    t.equal(del.statusCode, 200);
    await ingest('/v1/logs', JSON.stringify([{ message: `after ${CARD}` }]), 'application/json');
    t.equal(await waitForRows(app.clickhouse, a.app.id, 7), 7);
    const rows = await storedRows(app.clickhouse, a.app.id);
    t.ok(
      rows.some((r) => r.message === `after ${CARD}`),
      'no rule left: stored as sent',
    );
  });
});
