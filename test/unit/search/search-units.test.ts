// Pure parts of the search API: time expressions, cursors, histogram intervals, page chunking,
// export windows, which queries the rollup can answer.
import t from 'tap';
import { exportWindows } from '../../../src/modules/search/export.service.ts';
import { autoIntervalS, parseIntervalS } from '../../../src/modules/search/histogram-interval.ts';
import { parseQuery } from '../../../src/modules/search/query-language/index.ts';
import {
  decodeCursor,
  encodeCursor,
  searchFingerprint,
} from '../../../src/modules/search/search-cursor.ts';
import { readsOnlyRollupColumns } from '../../../src/modules/search/search-filter.ts';
import { chunks } from '../../../src/modules/search/search.service.ts';
import {
  NS_PER_S,
  parseInstant,
  resolveRange,
  rowTsToNanos,
  toRfc3339,
} from '../../../src/modules/search/time-range.ts';

const NOW = 1_800_000_000n * NS_PER_S + 123n;

t.test('time expressions', async (t) => {
  t.equal(parseInstant('now', NOW, 'to'), NOW);
  t.equal(parseInstant('now-15m', NOW, 'from'), NOW - 900n * NS_PER_S);
  t.equal(parseInstant('now+1h', NOW, 'to'), NOW + 3600n * NS_PER_S);
  t.equal(parseInstant('now-7d', NOW, 'from'), NOW - 7n * 86_400n * NS_PER_S);
  t.equal(
    parseInstant('2026-11-22T01:02:03.123456789Z', NOW, 'from'),
    rowTsToNanos('2026-11-22T01:02:03.123456789Z'),
  );
  t.equal(
    parseInstant('2026-11-22T03:02:03.5+02:00', NOW, 'from'),
    parseInstant('2026-11-22T01:02:03.500Z', NOW, 'from'),
  );
  t.equal(
    toRfc3339(rowTsToNanos('2026-11-22T01:02:03.000000009Z')),
    '2026-11-22T01:02:03.000000009Z',
  );
  for (const bad of ['yesterday', 'now-15', 'now-1y', '2026-13-01T00:00:00Z', '']) {
    t.throws(() => parseInstant(bad, NOW, 'from'), { code: 'invalid_time' }, bad);
  }
  t.throws(() => resolveRange('now', 'now-1m', { nowNs: NOW }), { code: 'invalid_time' });
  t.same(resolveRange(undefined, undefined, { nowNs: NOW }), {
    fromNs: NOW - 900n * NS_PER_S,
    toNs: NOW,
  });
});

t.test('cursors round-trip and refuse tampering or another search', async (t) => {
  const search = searchFingerprint('level:error', 'web');
  const cursor = {
    tsNs: NOW,
    id: '0190a0b0-0000-7000-8000-000000000001',
    range: { fromNs: NOW - 10n, toNs: NOW + 10n },
    order: 'desc' as const,
    search,
  };
  t.same(decodeCursor(encodeCursor(cursor), search), cursor);
  t.throws(() => decodeCursor(encodeCursor(cursor), searchFingerprint('level:warn', 'web')), {
    code: 'cursor_mismatch',
  });
  t.throws(() => decodeCursor('not-a-cursor', search), { code: 'invalid_cursor' });
  const forged = Buffer.from(
    JSON.stringify({ v: 1, t: "1' OR 1", i: 'x', f: '0', u: '1', o: 'desc', s: search }),
  ).toString('base64url');
  t.throws(() => decodeCursor(forged, search), { code: 'invalid_cursor' });
});

t.test('histogram intervals: 60–120 buckets whatever the range', async (t) => {
  for (let rangeS = 60; rangeS < 90 * 86_400; rangeS = Math.ceil(rangeS * 1.07)) {
    const iv = autoIntervalS(rangeS);
    const buckets = Math.ceil(rangeS / iv);
    t.ok(buckets <= 120 && (buckets >= 60 || iv === 1), `${rangeS}s → ${iv}s × ${buckets}`);
  }
  t.equal(parseIntervalS('5m', 3600, 2000), 300);
  t.throws(() => parseIntervalS('5x', 3600, 2000), { code: 'invalid_interval' });
  t.throws(() => parseIntervalS('1s', 86_400, 2000), { code: 'invalid_interval' });
});

t.test('page chunks cover the range once, newest first, growing', async (t) => {
  const range = { fromNs: 0n, toNs: 86_400n * NS_PER_S };
  const desc = [...chunks(range, null, 'desc')];
  t.equal(desc[0]?.toNs, range.toNs);
  t.equal(desc.at(-1)?.fromNs, 0n);
  for (let i = 1; i < desc.length; i++) t.equal(desc[i]?.toNs, desc[i - 1]?.fromNs, 'contiguous');
  t.equal((desc[0]?.toNs ?? 0n) - (desc[0]?.fromNs ?? 0n), 900n * NS_PER_S, 'first chunk 15 min');
  const after = { tsNs: 3600n * NS_PER_S, id: 'x' };
  const resumed = [...chunks(range, after, 'desc')];
  t.equal(resumed[0]?.toNs, after.tsNs + 1n, 'the cursor row’s timestamp stays in the first chunk');
  const asc = [...chunks(range, after, 'asc')];
  t.equal(asc[0]?.fromNs, after.tsNs);
  t.equal(asc.at(-1)?.toNs, range.toNs);
});

t.test(
  'export windows: contiguous, at most maxRows each (by the rollup), newest first',
  async (t) => {
    const range = { fromNs: 0n, toNs: 600n * NS_PER_S };
    const minutes = Array.from({ length: 10 }, (_, i) => ({
      minute: String((9 - i) * 60),
      n: '300',
    }));
    const windows = exportWindows(range, minutes, 1000);
    t.equal(windows[0]?.toNs, range.toNs);
    t.equal(windows.at(-1)?.fromNs, 0n);
    for (let i = 1; i < windows.length; i++) t.equal(windows[i]?.toNs, windows[i - 1]?.fromNs);
    t.equal(windows.length, 3);
    t.same(exportWindows(range, [], 1000), [range]);
  },
);

t.test('rollup eligibility', async (t) => {
  const yes = ['', '*', 'level:error', 'service:(a OR b) -level:debug', 'app:web level:warn*'];
  const no = ['timeout', 'status:500', 'level:error host:web-1', 'message:x', 'level:error OR foo'];
  for (const q of yes) t.ok(readsOnlyRollupColumns(parseQuery(q)), q);
  for (const q of no) t.notOk(readsOnlyRollupColumns(parseQuery(q)), q);
});
