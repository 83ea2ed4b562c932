import fc from 'fast-check';
import t from 'tap';
import {
  formatDateTime64,
  instantFromEpochMs,
  parseEpochDecimal,
  parseEpochNumber,
  parseRfc3339,
  parseUnixNanos,
} from '../../../src/modules/ingest/decode/timestamps.ts';

const fmt = (s: string) => {
  const i = parseRfc3339(s);
  return i === undefined ? undefined : formatDateTime64(i);
};

t.test('RFC 3339 with offsets and up to nanosecond precision', async (t) => {
  t.equal(fmt('2026-01-15T12:00:00Z'), '2026-01-15 12:00:00.000000000');
  t.equal(fmt('2026-01-15T12:00:00.123456789Z'), '2026-01-15 12:00:00.123456789');
  t.equal(fmt('2026-01-15T12:00:00.1Z'), '2026-01-15 12:00:00.100000000');
  t.equal(fmt('2026-01-15T14:30:00.000000001+02:30'), '2026-01-15 12:00:00.000000001');
  t.equal(fmt('2026-01-15T00:30:00-05:00'), '2026-01-15 05:30:00.000000000');
  t.equal(
    fmt('2026-01-01T00:30:00+01:00'),
    '2025-12-31 23:30:00.000000000',
    'offset crosses a year',
  );
  t.equal(fmt('2026-01-15t12:00:00z'), '2026-01-15 12:00:00.000000000', 'lowercase t and z');
  t.equal(
    fmt('2026-01-15 12:00:00.5+0000'),
    '2026-01-15 12:00:00.500000000',
    'space and offset without colon',
  );
  t.equal(fmt('2026-01-15T12:00:00'), '2026-01-15 12:00:00.000000000', 'no offset is read as UTC');
  t.equal(
    fmt('2026-01-15T12:00:00.1234567891234Z'),
    '2026-01-15 12:00:00.123456789',
    'digits past ns truncated',
  );
  t.equal(fmt('2024-02-29T00:00:00Z'), '2024-02-29 00:00:00.000000000', 'leap day');
  t.equal(fmt('2016-12-31T23:59:60Z'), '2016-12-31 23:59:59.999999999', 'leap second');
  t.equal(fmt('9999-12-31T23:59:59.999999999Z'), '9999-12-31 23:59:59.999999999');
  t.equal(fmt('1969-12-31T23:59:59.5Z'), '1969-12-31 23:59:59.500000000', 'before the epoch');
});

t.test('invalid RFC 3339 is refused', async (t) => {
  for (const s of [
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-32T00:00:00Z',
    '2026-01-15T24:00:00Z',
    '2026-01-15T12:60:00Z',
    '2026-01-15T12:00:00+24:00',
    '2026-01-15',
    '15/01/2026 12:00',
    '2026-01-15T12:00:00.Z',
    '',
  ]) {
    t.equal(parseRfc3339(s), undefined, s);
  }
});

t.test('epoch numbers and numeric strings, unit by magnitude', async (t) => {
  const f = (v: number | string) => {
    const i = typeof v === 'number' ? parseEpochNumber(v) : parseEpochDecimal(v);
    return i === undefined ? undefined : formatDateTime64(i);
  };
  t.equal(f(1768478400), '2026-01-15 12:00:00.000000000', 'seconds');
  t.equal(
    f(1768478400.123),
    '2026-01-15 12:00:00.123000000',
    'fractional seconds keep the written digits',
  );
  t.equal(f(1768478400123), '2026-01-15 12:00:00.123000000', 'milliseconds');
  t.equal(f(1768478400123456), '2026-01-15 12:00:00.123456000', 'microseconds');
  t.equal(
    f('1768478400123456789'),
    '2026-01-15 12:00:00.123456789',
    'nanosecond string keeps every digit',
  );
  t.equal(f('1768478400.000000001'), '2026-01-15 12:00:00.000000001');
  t.equal(f('1768478400123.5'), '2026-01-15 12:00:00.123500000', 'fractional ms');
  t.equal(f('0001768478400'), '2026-01-15 12:00:00.000000000', 'leading zeros');
  t.equal(f(0), '1970-01-01 00:00:00.000000000');
  t.equal(f(-1.5), '1969-12-31 23:59:58.500000000');
  t.equal(f('123456789012345678901'), undefined, 'more than 20 integer digits');
  t.equal(f(Number.NaN), undefined);
  t.equal(f(Number.POSITIVE_INFINITY), undefined);
  t.equal(f('12abc'), undefined);
  t.equal(f('1e9'), undefined, 'exponent strings are not accepted');
});

t.test('OTLP unix nanos', async (t) => {
  t.same(parseUnixNanos('1768478400123456789'), { sec: 1768478400, nanos: 123456789 });
  t.same(parseUnixNanos('5'), { sec: 0, nanos: 5 });
  t.equal(parseUnixNanos('-5'), undefined);
  t.same(
    parseUnixNanos('18446744073709551615'),
    { sec: 18446744073, nanos: 709551615 },
    'max uint64',
  );
  t.equal(parseUnixNanos('x'), undefined);
});

t.test('receive time from epoch ms', async (t) => {
  t.same(instantFromEpochMs(1768478400250), { sec: 1768478400, nanos: 250_000_000 });
  t.same(instantFromEpochMs(1768478400250.5), { sec: 1768478400, nanos: 250_500_000 });
});

t.test(
  'property: the seconds part agrees with Date, the nanoseconds are kept verbatim',
  async (t) => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2_208_988_800, max: 253_402_300_799 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (sec, nanos) => {
          const text = formatDateTime64({ sec, nanos });
          const iso = new Date(sec * 1000).toISOString();
          const expected = `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(nanos).padStart(9, '0')}`;
          return text === expected;
        },
      ),
      { numRuns: 5000 },
    );
    t.pass('formatDateTime64 matches Date for 5000 random instants');
  },
);

t.test('property: RFC 3339 text with any offset parses to the instant it names', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 253_402_300_799 - 86_400 }),
      fc.integer({ min: 0, max: 999_999_999 }),
      fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
      (sec, nanos, offsetMin) => {
        const local = new Date((sec + offsetMin * 60) * 1000).toISOString().slice(0, 19);
        if (local.startsWith('+') || local.startsWith('-')) return true;
        const sign = offsetMin < 0 ? '-' : '+';
        const abs = Math.abs(offsetMin);
        const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        const parsed = parseRfc3339(`${local}.${String(nanos).padStart(9, '0')}${off}`);
        return parsed !== undefined && parsed.sec === sec && parsed.nanos === nanos;
      },
    ),
    { numRuns: 5000 },
  );
  t.pass('5000 random RFC 3339 timestamps round-trip');
});
