// Generated JSON log lines for the differential tests of the fast paths: every rule the paths
// apply (well-known keys and their aliases, escapes, numbers, levels, times, nesting, limits),
// and with setClean(true) only values the fast paths take, so that they write many rows.
import {
  LEVEL_KEYS,
  SYSLOG_TAG_KEY,
  TIMESTAMP_KEYS,
} from '../../../src/modules/ingest/decode/normalise-record.ts';
import { Redactor } from '../../../src/modules/redaction/redactor.ts';
import { NOW_MS, pick, rfc3339Seconds, TENANT } from './fixtures.ts';

const STRINGS = [
  'GET /api/orders/1 200',
  '',
  ' padded ',
  'line1\nline2',
  'tab\there "quoted" back\\slash',
  'é 世界 🎉',
  '\u0001\u001f control',
  '\u2028 separator',
  'x'.repeat(300),
  // Values the redaction rules of the differential test change (and one they must leave alone).
  'paid with 4111 1111 1111 1111',
  'mail ana@example.com',
  'from 10.0.0.1',
  'secret-42',
  '4111 1111 1111 1112',
];
// JSON text written by hand: escapes JSON.stringify would not produce.
const RAW_STRINGS = ['"a\\/b"', '"\\u00e9"', '"\\ud800 lone"', '"\\uD83D\\uDE00"', '"é"'];
// Times around the tests' receive time (NOW_MS), in every form the normaliser reads, and ones it
// refuses: out of range either way, not a date, not a time.
const SECOND = Math.floor(NOW_MS / 1000) * 1000;
const seconds = (ms: number): string => rfc3339Seconds(ms).slice(0, -1);
const TIMESTAMPS = [
  `"${rfc3339Seconds(SECOND)}"`,
  `"${seconds(SECOND - 1000)}.123456789+00:00"`,
  `"${seconds(SECOND).replace('T', ' ')}"`,
  `"${seconds(SECOND + 3_600_000)}.5+01:00"`,
  '"1999-01-01T00:00:00Z"',
  `"${rfc3339Seconds(SECOND + 600_000)}"`,
  '"not a time"',
  '""',
  `"${SECOND / 1000}"`,
  `" ${SECOND + 123} "`,
  `${SECOND / 1000}`,
  `${SECOND + 123}.5`,
  `${SECOND + 123}456789`,
  'true',
  '{"a":1}',
  `"${new Date(SECOND).getUTCFullYear()}-02-30T00:00:00Z"`,
  `"${seconds(SECOND)}\\n"`,
];
const LEVELS = [
  '"error"',
  '"WARN"',
  '"Information"',
  '"bogus"',
  '3',
  '17',
  '99',
  'true',
  '"e\\u0072ror"',
  '""',
  // More distinct level texts than the fast path's level cache holds (8), so it evicts.
  '" info "',
  '"Info"',
  '"debug"',
  '"DEBUG"',
  '"trace"',
  '"fatal"',
  '"warning"',
  '"notice"',
  '"critical"',
  '"ÉRROR"',
];
const SYSLOG_KEYS = [
  'timereported',
  'timegenerated',
  'ISODATE',
  'priority',
  'PRIORITY',
  'MESSAGE',
  'HOST',
  'fromhost',
  'fromhost-ip',
  'programname',
  'PROGRAM',
  'syslogtag',
  'FACILITY',
  'PID',
  'date',
];
const SYSLOG_TAGS = ['"sshd[42]:"', '"cron:"', '"kernel"', '""', '"[x]"', '7'];
const KEYS = [
  'timestamp',
  '@timestamp',
  'time',
  'ts',
  'level',
  'severity',
  'severity_text',
  'log.level',
  'message',
  'msg',
  'body',
  'log',
  'service',
  'host',
  'hostname',
  'trace_id',
  'span_id',
  'user_id',
  'attributes',
  'resource',
  'service.name',
  'host.name',
  'host.hostname',
  'trace.id',
  'span.id',
  'user.id',
  'http',
  'status',
  'a',
  'a.b',
  '1',
  '__proto__',
  '',
  'ключ',
  'k\\"q',
  'level_raw',
  // The syslog daemons' stock names (rsyslog omelasticsearch, syslog-ng format-json).
  ...SYSLOG_KEYS,
];

// Half the bodies use only values the fast path takes, so that it writes many rows to compare.
const CLEAN_NUMBERS = [
  '0',
  '7',
  '-12',
  '200',
  '12.5',
  '0.5',
  '-0.25',
  '0.000001',
  '123456789012345',
  // Not canonical in JS, so the fast path must send them to the general one.
  '9007199254740993',
  '12345678901234567',
];
const CLEAN_KEYS = KEYS.filter((k) => !['1', '__proto__', '', 'k\\"q', 'resource'].includes(k));
const NUMBERS = [
  ...CLEAN_NUMBERS,
  '-0',
  '1.10',
  '0.0000001',
  '1e3',
  '2E-2',
  '1234567890123456',
  '99999999999999999999',
  '1.5e400',
  '01',
  '-',
];
let clean = false;

/** Whether the next generated values are only those the fast paths take. */
export function setClean(flag: boolean): void {
  clean = flag;
}

export function isClean(): boolean {
  return clean;
}

function jsonValue(rnd: () => number, depth: number, key: string): string {
  if ((TIMESTAMP_KEYS as readonly string[]).includes(key)) {
    if (rnd() < 0.8) return pick(rnd, TIMESTAMPS);
  }
  if (key.startsWith('level') || (LEVEL_KEYS as readonly string[]).includes(key)) {
    if (rnd() < 0.8) return pick(rnd, LEVELS);
  }
  if (key === SYSLOG_TAG_KEY && rnd() < 0.8) return pick(rnd, SYSLOG_TAGS);
  const r = rnd();
  if (r < 0.35 || (clean && r < 0.45)) return JSON.stringify(pick(rnd, STRINGS));
  if (r < 0.45) return pick(rnd, RAW_STRINGS);
  if (r < 0.6) return pick(rnd, clean ? CLEAN_NUMBERS : NUMBERS);
  if (r < 0.65) return rnd() < 0.5 ? 'true' : 'false';
  if (r < 0.7) return 'null';
  if (r < 0.75) return clean ? '"no array"' : '[1,"x"]';
  if (depth < 3) return jsonObject(rnd, depth + 1, 1 + Math.floor(rnd() * 3));
  return '"deep"';
}

export function jsonObject(rnd: () => number, depth: number, members: number): string {
  const parts: string[] = [];
  const used = new Set<string>();
  for (let i = 0; i < members; i++) {
    const key =
      depth > 1 && rnd() < 0.5
        ? pick(rnd, ['name', 'level', 'id', 'hostname', 'method', 'x'])
        : pick(rnd, clean ? CLEAN_KEYS : KEYS);
    // Clean bodies avoid duplicate keys, which send a whole record to the general path.
    if (clean && used.has(key)) continue;
    used.add(key);
    const space = rnd() < 0.1 ? ' ' : '';
    parts.push(`"${key}"${space}:${space}${jsonValue(rnd, depth, key)}`);
  }
  return '{' + parts.join(',') + '}';
}

export function line(rnd: () => number): string {
  const r = clean ? 1 : rnd();
  if (r < 0.03) return '{"message": "unterminated';
  if (r < 0.05) return '[{"message":"array"}]';
  if (r < 0.06) return '   ';
  if (r < 0.07) return '{"message":"x"} trailing';
  if (r < 0.08) return '"just a string"';
  return jsonObject(rnd, 1, 1 + Math.floor(rnd() * 9)) + (rnd() < 0.1 ? '\r' : '');
}

/**
 * Every action and scope, so the paths are compared with rules that change, drop and hash the
 * generated values (STRINGS holds values each rule matches).
 */
export const REDACTOR = new Redactor(
  [
    {
      id: 'r1',
      name: 'cards',
      detector: { preset: 'payment_card' },
      scope: 'all',
      action: 'partial',
      keep: 4,
      enabled: true,
    },
    {
      id: 'r2',
      name: 'mail',
      detector: { preset: 'email' },
      scope: 'attributes',
      action: 'hash',
      enabled: true,
    },
    {
      id: 'r3',
      name: 'ips',
      detector: { preset: 'ipv4' },
      scope: 'message',
      action: 'mask',
      enabled: true,
    },
    {
      id: 'r4',
      name: 'secret',
      detector: { pattern: 'secret-\\d+' },
      scope: { attributes: ['msg', 'name', 'x'] },
      action: 'drop_attribute',
      enabled: true,
    },
    {
      id: 'r5',
      name: 'drop',
      detector: { pattern: '^ padded $' },
      scope: 'all',
      action: 'drop_record',
      enabled: true,
    },
  ],
  { hashKey: 'test-key', orgId: TENANT.org_id, maxScanCharsPerRecord: 100_000 },
);
