// An ingest key's last_used_at follows its use, at most one write per key per interval.
import t from 'tap';
import type { Db } from '../../../src/infra/postgres.ts';
import { createIngestKeysRepository } from '../../../src/modules/ingest-keys/ingest-keys.repository.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { bearer, createTenant, type Tenant } from './ingest-fixtures.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function lastUsedAt(db: Db, tenant: Tenant): Promise<Date | null> {
  const keys = await createIngestKeysRepository(db).listForApp(
    { orgId: tenant.orgId },
    tenant.appId,
  );
  return keys.find((k) => k.id === tenant.keyId)?.last_used_at ?? null;
}

/** The write happens after the answer: poll until it lands (or give up and return what is there). */
async function waitForLastUsed(
  db: Db,
  tenant: Tenant,
  after: Date | null,
  timeoutMs = 5_000,
): Promise<Date | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await lastUsedAt(db, tenant);
    if ((value && (!after || value > after)) || Date.now() > deadline) return value;
    await sleep(20);
  }
}

const env = (intervalMs: number) => ({
  INGEST_GROUP_COMMIT_WINDOW_MS: '5',
  INGEST_KEY_LAST_USED_INTERVAL_MS: String(intervalMs),
});

t.test('last_used_at is set by ingest and not rewritten within the interval', async (t) => {
  const { app, db } = await buildTestApp(t, { env: env(60_000) });
  const tenant = await createTenant(db);
  const other = await createTenant(db);
  t.equal(await lastUsedAt(db, tenant), null, 'a new key was never used');

  const ingest = (key: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: '{"message":"hello"}',
    });
  const before = new Date();
  t.equal((await ingest(tenant.key)).statusCode, 202);
  const first = await waitForLastUsed(db, tenant, null);
  t.ok(first, 'set after an ingest');
  t.ok(first && first.getTime() >= before.getTime() - 1_000, 'to about now');
  t.equal(await lastUsedAt(db, other), null, 'another key is untouched');

  const answers = await Promise.all([1, 2, 3, 4, 5].map(() => ingest(tenant.key)));
  t.same(
    answers.map((a) => a.statusCode),
    [202, 202, 202, 202, 202],
  );
  await sleep(300);
  t.same(await lastUsedAt(db, tenant), first, 'not rewritten within the interval');

  // The handshake is a use too, and a refused key records nothing.
  t.equal((await ingest('mlk_notarealkeynotarealkeynotarealk123456')).statusCode, 401);
  const handshake = await app.inject({ method: 'GET', url: '/', headers: bearer(other.key) });
  t.equal(handshake.statusCode, 200);
  t.ok(await waitForLastUsed(db, other, null), 'the handshake sets it');
});

t.test('last_used_at is rewritten once the interval has passed', async (t) => {
  const { app, db } = await buildTestApp(t, { env: env(50) });
  const tenant = await createTenant(db);
  const ingest = () =>
    app.inject({
      method: 'POST',
      url: '/_bulk',
      headers: { ...bearer(tenant.key), 'content-type': 'application/x-ndjson' },
      payload: '{"index":{}}\n{"message":"hello"}\n',
    });
  t.equal((await ingest()).statusCode, 200);
  const first = await waitForLastUsed(db, tenant, null);
  t.ok(first, 'set by the first request');
  await sleep(120);
  t.equal((await ingest()).statusCode, 200);
  const second = await waitForLastUsed(db, tenant, first);
  t.ok(first && second && second > first, 'a later request after the interval moves it on');
});
