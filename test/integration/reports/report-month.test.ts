// A month of synthetic data (three apps, 10k end users) → the monthly report. Every figure is
// checked against direct ClickHouse queries on the logs themselves, the cost tables against the
// org's prices (sums exact), the PDF rendered with pdftoppm and checked not blank, the CSV against
// the per-end-user counts; a rerun answers with the same report.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { createAppWithKey } from '../../../src/modules/apps/apps.service.ts';
import { createUsageRepository } from '../../../src/modules/usage/usage.repository.ts';
import { monthOf, monthSpan } from '../../../src/modules/usage/usage-days.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { makeTempDir } from '../../helpers/services.ts';
import { makeTenant, makeToken, makeUser } from '../auth/auth-fixtures.ts';
import {
  insertSyntheticMonth,
  previousMonthOfNow,
  ROW_BYTES_SQL,
} from '../usage/usage-fixtures.ts';

const num = (v: unknown) => Number(v);

t.test('the monthly report of a synthetic month matches the stored rows', async (t) => {
  const { app, db, config, clickhouse } = await buildTestApp(t);
  const tenant = await makeTenant(db, config, 'rep-a');
  const more = await Promise.all(
    ['api', 'worker'].map((slug) =>
      createAppWithKey(db, { orgId: tenant.org.id }, { name: `rep-a ${slug}`, slug }),
    ),
  );
  const appIds = [tenant.app.id, ...more.map((m) => m.app.id)];
  const month = previousMonthOfNow();
  const span = monthSpan(month);
  await insertSyntheticMonth(clickhouse, {
    orgId: tenant.org.id,
    appIds,
    month,
    endUsers: 10_000,
    rows: 60_000,
    seed: 16,
  });
  // Another org's rows in the same month must not count.
  const other = await makeTenant(db, config, 'rep-b');
  await insertSyntheticMonth(clickhouse, {
    orgId: other.org.id,
    appIds: [other.app.id],
    month,
    endUsers: 50,
    rows: 2_000,
    seed: 17,
  });
  // Stored bytes: one snapshot on the month's last day.
  await createUsageRepository(clickhouse).snapshotStorage(
    span.lastDay,
    Math.floor(span.endMs / 1000),
  );

  const admin = await makeUser(db, 'platform@rep.test', { platformAdmin: true });
  const platform = await makeToken(db, config, admin);
  const put = await app.inject({
    method: 'PUT',
    url: `/v1/orgs/${tenant.org.slug}/pricing`,
    headers: { authorization: `Bearer ${platform}` },
    payload: {
      currency: 'EUR',
      per_gb_ingested: '0.5',
      per_gb_month_stored: '0.03',
      per_million_records: 2.5,
      base_fee: '99.99',
      app_overrides: { [more[0]?.app.id as string]: { per_gb_ingested: '1.25' } },
    },
  });
  t.equal(put.statusCode, 200, put.body);

  const owner = { authorization: `Bearer ${tenant.tokens.owner}` };
  const started = Date.now();
  const created = await app.inject({
    method: 'POST',
    url: `/v1/orgs/${tenant.org.slug}/reports`,
    headers: owner,
    payload: { month },
  });
  t.equal(created.statusCode, 201, created.body.slice(0, 500));
  t.comment(`report of ${month} generated in ${Date.now() - started} ms`);
  const report = created.json().report;
  t.equal(report.month, month);
  t.equal(report.partial, false);
  t.equal(report.currency, 'EUR');

  // Direct queries on the logs table.
  const where = `org_id = {org:UUID} AND observed_ts >= toDateTime64({from:UInt32}, 9, 'UTC')
    AND observed_ts < toDateTime64({to:UInt32}, 9, 'UTC')`;
  const params = {
    org: tenant.org.id,
    from: span.startMs / 1000,
    to: span.endMs / 1000,
  };
  const [direct] = await clickhouse.query<Record<string, string>>(
    `SELECT count() AS records, sum(${ROW_BYTES_SQL}) AS bytes,
            countIf(level IN ('error', 'fatal')) AS errors,
            uniqExactIf(user_id, user_id != '') AS users
     FROM logs WHERE ${where}`,
    params,
  );
  t.equal(report.totals.records, 60_000);
  t.equal(report.totals.records, num(direct?.records), 'records');
  t.equal(report.totals.bytes, num(direct?.bytes), 'bytes');
  t.equal(report.active_end_users, num(direct?.users), 'active end users');
  t.ok(report.active_end_users > 5_000, `${report.active_end_users} active end users`);
  t.equal(report.error_rate, num(direct?.errors) / num(direct?.records), 'error rate');

  const perApp = await clickhouse.query<Record<string, string>>(
    `SELECT toString(app_id) AS app_id, count() AS records, sum(${ROW_BYTES_SQL}) AS bytes
     FROM logs WHERE ${where} GROUP BY app_id ORDER BY records DESC, app_id`,
    params,
  );
  t.same(
    report.apps.map((a: Record<string, unknown>) => [a.app_id, a.records, a.bytes]),
    perApp.map((a) => [a.app_id, num(a.records), num(a.bytes)]),
    'records and bytes per app',
  );
  t.equal(report.apps[0].name.startsWith('rep-a'), true, 'apps carry their names');

  const perUser = await clickhouse.query<Record<string, string>>(
    `SELECT user_id, count() AS records, sum(${ROW_BYTES_SQL}) AS bytes
     FROM logs WHERE ${where} GROUP BY user_id ORDER BY records DESC, user_id`,
    params,
  );
  t.equal(report.end_users.length, 100, 'top 100');
  t.same(
    report.end_users.map((e: Record<string, unknown>) => [e.user_id, e.records, e.bytes]),
    perUser.slice(0, 100).map((u) => [u.user_id, num(u.records), num(u.bytes)]),
    'top 100 end users',
  );
  const rest = perUser.slice(100);
  t.same(
    [report.end_users_rest.users, report.end_users_rest.records, report.end_users_rest.bytes],
    [
      rest.length,
      rest.reduce((n, u) => n + num(u.records), 0),
      rest.reduce((n, u) => n + num(u.bytes), 0),
    ],
    'the rest',
  );

  const daily = await clickhouse.query<{ day: string; records: string; errors: string }>(
    `SELECT toString(toDate(observed_ts)) AS day, count() AS records,
            countIf(level IN ('error', 'fatal')) AS errors
     FROM logs WHERE ${where} GROUP BY day ORDER BY day`,
    params,
  );
  t.equal(report.daily.length, span.days, 'one entry per day of the month');
  const byDay = new Map(daily.map((d) => [d.day, d]));
  t.same(
    report.daily.map((d: Record<string, unknown>) => [d.day, d.records, d.error_records]),
    report.daily.map((d: { day: string }) => [
      d.day,
      num(byDay.get(d.day)?.records ?? 0),
      num(byDay.get(d.day)?.errors ?? 0),
    ]),
    'daily volume',
  );

  // Cost: the lines at the org's prices, and both splits sum exactly to the total.
  const line = (item: string) =>
    report.cost.lines.find((l: { item: string }) => l.item === item).amount_minor;
  t.equal(line('base_fee'), 9999);
  const bytesOf = (appId: string) => num(perApp.find((a) => a.app_id === appId)?.bytes ?? 0);
  const ingestExact =
    ((bytesOf(tenant.app.id) + bytesOf(more[1]?.app.id as string)) * 0.5 +
      bytesOf(more[0]?.app.id as string) * 1.25) /
    1e9;
  t.equal(line('ingested'), Math.round(ingestExact * 100), 'ingested GB at the prices (override)');
  t.equal(line('records'), Math.round((60_000 / 1e6) * 2.5 * 100), 'records');
  t.ok(line('stored') >= 0, 'stored line present');
  const total = report.cost.total_minor;
  t.equal(report.totals.cost_minor, total);
  t.equal(
    report.cost.lines.reduce((n: number, l: { amount_minor: number }) => n + l.amount_minor, 0),
    total,
  );
  t.equal(
    report.apps.reduce((n: number, a: { cost_minor: number }) => n + a.cost_minor, 0),
    total,
    'apps sum to the total',
  );
  t.equal(
    report.end_users.reduce((n: number, e: { cost_minor: number }) => n + e.cost_minor, 0) +
      report.end_users_rest.cost_minor,
    total,
    'end users sum to the total',
  );
  t.ok(report.totals.stored_bytes > 0, 'stored bytes from the part sizes');
  t.equal(report.previous.month, monthOf(span.startMs - 1), 'the month before for comparison');
  t.equal(report.previous.totals.records, 0);
  t.equal(report.alerts_fired, 0);
  t.ok(report.ingest_lag_ms === null || report.ingest_lag_ms.p99 >= report.ingest_lag_ms.p50);

  // Rerun: the same report, not a new one.
  const again = await app.inject({
    method: 'POST',
    url: `/v1/orgs/${tenant.org.slug}/reports`,
    headers: owner,
    payload: { month },
  });
  t.equal(again.statusCode, 200);
  t.equal(again.json().created, false);
  t.same(again.json().report, report, 'a rerun is the same report');
  const stored = await app.inject({
    url: `/v1/orgs/${tenant.org.slug}/reports/${month}`,
    headers: owner,
  });
  t.same(stored.json(), report);
  const list = (
    await app.inject({ url: `/v1/orgs/${tenant.org.slug}/reports`, headers: owner })
  ).json();
  t.same(
    list.reports.map((r: { month: string; partial: boolean }) => [r.month, r.partial]),
    [[month, false]],
  );

  // CSV: every end user, the same counts and costs.
  const csv = await app.inject({
    url: `/v1/orgs/${tenant.org.slug}/reports/${month}.csv`,
    headers: owner,
  });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /text\/csv/);
  const lines = csv.body.trimEnd().split('\r\n');
  t.equal(lines[0], 'user_id,records,bytes,cost_minor,cost_eur');
  t.equal(lines.length - 1, perUser.length, 'one line per end user');
  const csvCost = lines.slice(1).reduce((n, l) => n + num(l.split(',')[3]), 0);
  t.equal(csvCost, total, 'the CSV costs sum to the total');
  t.equal(
    lines[1]?.split(',').slice(0, 3).join(','),
    `${perUser[0]?.user_id},${perUser[0]?.records},${perUser[0]?.bytes}`,
  );

  // PDF: a real PDF whose first page renders with ink on it.
  const pdf = await app.inject({
    url: `/v1/orgs/${tenant.org.slug}/reports/${month}.pdf`,
    headers: owner,
  });
  t.equal(pdf.statusCode, 200);
  t.equal(pdf.headers['content-type'], 'application/pdf');
  t.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
  const dir = makeTempDir('report-pdf');
  const file = path.join(dir, 'report.pdf');
  fs.writeFileSync(file, pdf.rawPayload);
  const pages = execFileSync('pdfinfo', [file]).toString();
  t.match(pages, /Pages:\s+[2-9]/, 'several pages (tables of 100 end users)');
  execFileSync('pdftoppm', [
    '-gray',
    '-r',
    '40',
    '-f',
    '1',
    '-l',
    '1',
    file,
    path.join(dir, 'page'),
  ]);
  const image = fs.readFileSync(
    fs
      .readdirSync(dir)
      .map((f) => path.join(dir, f))
      .find((f) => f.endsWith('.pgm')) as string,
  );
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(image.subarray(0, 50).toString('latin1'));
  t.ok(header, 'a PGM image');
  const [w, h] = [num(header?.[1]), num(header?.[2])];
  const pixels = image.subarray(image.length - w * h);
  let dark = 0;
  for (const p of pixels) if (p < 200) dark += 1;
  t.ok(dark / (w * h) > 0.01, `page 1 is not blank (${((dark / (w * h)) * 100).toFixed(1)} % ink)`);

  // The current month so far: partial, and replaced by a rerun.
  const partial = await app.inject({
    method: 'POST',
    url: `/v1/orgs/${tenant.org.slug}/reports`,
    headers: owner,
    payload: {},
  });
  t.equal(partial.statusCode, 201);
  t.equal(partial.json().report.partial, true);
  t.equal(partial.json().report.month, monthOf(Date.now()));
  const partialAgain = await app.inject({
    method: 'POST',
    url: `/v1/orgs/${tenant.org.slug}/reports`,
    headers: owner,
    payload: {},
  });
  t.equal(partialAgain.statusCode, 201, 'a month-to-date report is made afresh');

  const future = await app.inject({
    method: 'POST',
    url: `/v1/orgs/${tenant.org.slug}/reports`,
    headers: owner,
    payload: { month: monthOf(span.endMs + 40 * 86_400_000) },
  });
  t.equal(future.statusCode, 400);
  t.equal(future.json().error.code, 'invalid_month');
  const bad = await app.inject({
    method: 'POST',
    url: `/v1/orgs/${tenant.org.slug}/reports`,
    headers: owner,
    payload: { month: '2026-13' },
  });
  t.equal(bad.statusCode, 400);
});
