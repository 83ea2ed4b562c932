// Each preset finds what it names and leaves look-alikes alone; the actions rewrite, hash, drop.
import t from 'tap';
import type { CanonicalRow } from '../../../src/modules/ingest/decode/index.ts';
import { DROP_RECORD } from '../../../src/modules/ingest/decode/index.ts';
import { RecordRejection } from '../../../src/modules/ingest/decode/ingest-errors.ts';
import { PRESET_NAMES, type PresetName } from '../../../src/modules/redaction/redaction-presets.ts';
import { Redactor, type RedactionRuleSpec } from '../../../src/modules/redaction/redactor.ts';

const CASES: Record<PresetName, { found: string[]; missed: string[] }> = {
  email: {
    found: ['ana@example.com', 'first.last+tag@mail.example.co.uk'],
    missed: ['ana@localhost', 'at @ sign', 'user@.com', 'name@example.c'],
  },
  payment_card: {
    found: [
      '4111111111111111',
      '4111 1111 1111 1111',
      '5500-0000-0000-0004',
      '378282246310005',
      '3782 822463 10005',
      '4111 1111 1111 1111 5 items',
    ],
    missed: ['4111111111111112', '1234567890123', '41111111111111110000', '2026-01-15 12:00:00'],
  },
  iban: {
    found: ['DE89370400440532013000', 'GB82 WEST 1234 5698 7654 32'],
    missed: ['DE89370400440532013001', 'GB82WEST', 'ORDER12345678901234'],
  },
  ipv4: {
    found: ['10.0.0.1', '192.168.255.254'],
    missed: ['999.1.1.1', '1.2.3', 'v1.2.3.4.5', '10.0.0.256'],
  },
  ipv6: {
    found: ['2001:db8::8a2e:370:7334', 'fe80::1', '::1'],
    missed: ['12:30:45', 'dead:beef', 'a::b::c'],
  },
  jwt: {
    found: ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_-part'],
    missed: ['eyJhbGciOiJIUzI1NiJ9', 'ey.J.x', 'header.payload.sig'],
  },
  bearer_token: {
    found: ['Authorization: Bearer abcdefgh12345678', 'bearer tok.en-value_123='],
    missed: ['the bearer of bad news', 'Bearer short'],
  },
  aws_access_key: {
    found: ['AKIAIOSFODNN7EXAMPLE', 'key=ASIAY34FZKBOKMUTVV7A'],
    missed: ['AKIAIOSFODNN7EXAMPL', 'akiaiosfodnn7example', 'XAKIAIOSFODNN7EXAMPLE1'],
  },
  phone: {
    found: ['+14155552671', '(415) 555-2671', '+44 20 7946 0958', '030 1234 5678'],
    missed: ['2026-01-15', '12345', 'v1.2.3', '10.0.0.1', '4111 1111 1111 1111'],
  },
};

function row(message: string, attributes: Record<string, string> = {}): CanonicalRow {
  return {
    ts: '2026-01-15 12:00:00.000000000',
    observed_ts: '2026-01-15 12:00:00.000000000',
    id: '0190f1e2-0000-7000-8000-000000000009',
    level: 'info',
    severity_number: 9,
    service: '',
    host: '',
    message,
    attributes,
    resource: {},
    trace_id: '',
    span_id: '',
    user_id: '',
  };
}

function rule(over: Partial<RedactionRuleSpec>): RedactionRuleSpec {
  return {
    id: 'r',
    name: 'r',
    detector: { preset: 'email' },
    scope: 'all',
    action: 'mask',
    enabled: true,
    ...over,
  };
}

const options = { hashKey: 'k', orgId: 'org-a', maxScanCharsPerRecord: 10_000 };

function redact(spec: RedactionRuleSpec, r: CanonicalRow, opts = options) {
  return new Redactor([spec], opts).redactRow(r);
}

t.test('every preset: positive and negative cases', async (t) => {
  t.same(Object.keys(CASES).sort(), [...PRESET_NAMES].sort(), 'all presets covered');
  for (const preset of PRESET_NAMES) {
    const spec = rule({ detector: { preset } });
    for (const text of CASES[preset].found) {
      const out = redact(spec, row(`before ${text} after`)) as CanonicalRow;
      t.match(out.message, `[REDACTED:${preset}]`, `${preset} finds ${text}`);
      t.notMatch(out.message, text, `${preset}: ${text} is gone`);
    }
    for (const text of CASES[preset].missed) {
      const input = row(`before ${text} after`);
      t.equal(redact(spec, input), input, `${preset} leaves ${text} alone`);
    }
  }
});

t.test('actions', async (t) => {
  const card = '4111 1111 1111 1111';
  const partial = redact(
    rule({ detector: { preset: 'payment_card' }, action: 'partial', keep: 4 }),
    row(card),
  );
  t.equal((partial as CanonicalRow).message, '***************1111', 'partial keeps the last 4');

  const hashOf = (orgId: string, value: string) =>
    (redact(rule({ action: 'hash' }), row(value), { ...options, orgId }) as CanonicalRow).message;
  t.match(hashOf('org-a', 'ana@example.com'), /^\[HASH:[0-9a-f]{16}\]$/);
  t.equal(
    hashOf('org-a', 'ana@example.com'),
    hashOf('org-a', 'ana@example.com'),
    'equal values, equal hashes',
  );
  t.not(hashOf('org-a', 'ana@example.com'), hashOf('org-a', 'bob@example.com'));
  t.not(hashOf('org-a', 'ana@example.com'), hashOf('org-b', 'ana@example.com'), 'keyed per org');

  const dropped = redact(
    rule({ action: 'drop_attribute', scope: { attributes: ['email'] } }),
    row('ana@example.com', { email: 'ana@example.com', other: 'bob@example.com' }),
  ) as CanonicalRow;
  t.same({ ...dropped.attributes }, { other: 'bob@example.com' }, 'only the named key dropped');
  t.equal(dropped.message, 'ana@example.com', 'the message is out of that scope');

  t.equal(redact(rule({ action: 'drop_record' }), row('x ana@example.com')), DROP_RECORD);
  const onlyMessage = redact(rule({ scope: 'message' }), row('ok', { e: 'ana@example.com' }));
  t.equal((onlyMessage as CanonicalRow).attributes['e'], 'ana@example.com', 'scope message');
  const user = redact(rule({}), { ...row('ok'), user_id: 'ana@example.com' }) as CanonicalRow;
  t.equal(user.user_id, '[REDACTED:email]', 'scope all covers user_id');
});

t.test('custom patterns: linear engine, per-record cost limit', async (t) => {
  const spec = rule({ name: 'order', detector: { pattern: 'ord-[0-9]{4}' } });
  t.equal((redact(spec, row('see ord-1234')) as CanonicalRow).message, 'see [REDACTED:order]');
  // A pattern that backtracks exponentially in V8 is linear in re2js.
  const evil = rule({ detector: { pattern: '(a+)+$' } });
  const started = performance.now();
  redact(evil, row('a'.repeat(5_000) + '!'));
  t.ok(performance.now() - started < 2_000, 'no catastrophic backtracking');
  const over = redact(spec, row('x'.repeat(20_000)));
  t.ok(over instanceof RecordRejection, 'over the scan budget: rejected, not stored unscanned');
  t.equal((over as RecordRejection).code, 'redaction_limit_exceeded');
  t.notOk(new Redactor([spec], options).mayChange(['nothing here']));
  t.ok(new Redactor([spec], options).mayChange(['ord-9999']));
});
