import t from 'tap';
import {
  compileQueryToPredicate,
  parseQuery,
} from '../../../src/modules/search/query-language/index.ts';
import type { LogRow } from '../../../src/modules/search/query-language/index.ts';

function row(overrides: Partial<LogRow> = {}): LogRow {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    ts: '2024-05-01 12:00:00',
    org_id: '7d3f0a11-2b1c-4d5e-8f90-a1b2c3d4e5f6',
    app_id: '0b0e7a52-1c5a-4c1e-9a55-1f1b2c3d4e5f',
    level: 'info',
    service: 'checkout',
    host: 'web-1',
    message: '',
    attributes: {},
    resource: {},
    trace_id: '',
    span_id: '',
    user_id: '',
    ...overrides,
  };
}

const matches = (query: string, r: LogRow) => compileQueryToPredicate(parseQuery(query))(r);

t.test('bare words are whole tokens, ASCII case-insensitive', async (t) => {
  const r = row({ message: 'Payment TIMEOUT for user_42 at /api/v1 (café)' });
  t.ok(matches('timeout', r));
  t.ok(matches('PAYMENT', r));
  t.notOk(matches('time', r), 'not a prefix');
  t.notOk(matches('ayment', r), 'not a substring');
  t.ok(matches('user_42', r));
  t.notOk(matches('user_4', r));
  t.ok(matches('café', r));
  t.notOk(matches('CAFÉ', r), 'non-ASCII letters do not fold');
  t.ok(matches('api/v1', r));
  t.notOk(matches('superuser_42', row({ message: 'user_42' })));
  t.notOk(matches('user_42', row({ message: 'superuser_42' })));
});

t.test('phrases are case-insensitive substrings made of whole tokens', async (t) => {
  const r = row({ message: 'Payment declined: card EXPIRED' });
  t.ok(matches('"payment declined"', r));
  t.ok(matches('"declined: card expired"', r));
  t.ok(matches('"PAYMENT"', r), 'a one-token phrase is a token match');
  t.notOk(matches('"ment decl"', r), 'tokens at the edges are whole tokens, not parts');
  t.notOk(matches('"d: card e"', r));
  t.notOk(matches('"payment  declined"', r));
  t.notOk(matches('"declined payment"', r), 'the tokens in their order, adjacent');
  t.ok(matches('""', r), 'the empty phrase matches everything');
  t.ok(matches('":"', r), 'a phrase without tokens is a substring');
  const order = (n: string) => row({ message: `payment declined for order ${n}` });
  t.ok(matches('"payment declined for order 4242"', order('4242')));
  t.notOk(matches('"payment declined for order 4242"', order('42421')), 'not a longer number');
  t.notOk(matches('"payment declined for order 4242"', order('142420')));
});

t.test('token globs', async (t) => {
  const r = row({ message: 'connection timeout after 30s' });
  t.ok(matches('time*', r));
  t.ok(matches('*out', r));
  t.ok(matches('c*n', r));
  t.notOk(matches('tion*time', r), 'a glob matches within one token');
  t.ok(matches('TIME*', r));
});

t.test('fields', async (t) => {
  const r = row({
    level: 'warn',
    attributes: { status: '503', path: '/api/v1/pay', empty: '' },
    resource: { 'k8s.pod': 'pay-7f9' },
  });
  t.ok(matches('level:warning', r));
  t.ok(matches('level:WARN', r));
  t.notOk(matches('level:error', r));
  t.ok(matches('service:checkout', r));
  t.notOk(matches('service:Checkout', r), 'field equality is case-sensitive');
  t.notOk(matches('service:check', r), 'and exact');
  t.ok(matches('service:check*', r));
  t.ok(matches('status:503 status>=500 status<600 -status<503', r));
  t.ok(matches('path:\\/api*', r));
  t.ok(matches('path:/^\\/api\\/v\\d/', r));
  t.ok(matches('empty:* -missing:*', r));
  t.ok(matches('empty:"" missing:""', r), 'a missing key reads as empty');
  t.ok(matches('resource.k8s.pod:pay-*', r));
  t.ok(matches('app:0B0E7A52-1C5A-4C1E-9A55-1F1B2C3D4E5F', r));
  t.notOk(matches('user_id:*', r));
});

t.test('numeric comparison of non-numbers is false, and NOT of it true', async (t) => {
  for (const value of ['abc', '', ' 5', 'inf', 'nan', '0x10', '1_000']) {
    const r = row({ attributes: { n: value } });
    t.notOk(matches('n>=0', r), `${JSON.stringify(value)} is not a number`);
    t.ok(matches('-n>=0', r));
  }
  for (const [value, query] of [
    ['5.', 'n>=5'],
    ['.5', 'n<1'],
    ['+7', 'n>6.9'],
    ['1e3', 'n<=1000'],
    ['-0', 'n>=0'],
  ] as const) {
    t.ok(matches(query, row({ attributes: { n: value } })), `${value} ${query}`);
  }
});

t.test('prototype keys are ordinary keys', async (t) => {
  const r = row();
  for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    t.notOk(matches(`${key}:*`, r), `${key} does not exist`);
    t.ok(matches(`${key}:""`, r));
    t.notOk(matches(`${key}:/./`, r));
  }
});

t.test('boolean structure', async (t) => {
  const r = row({ message: 'a b' });
  t.ok(matches('a b', r));
  t.notOk(matches('a c', r));
  t.ok(matches('a OR c', r));
  t.ok(matches('c OR a b', r));
  t.notOk(matches('-a', r));
  t.ok(matches('NOT (c OR d)', r));
  t.ok(matches('', r));
});
