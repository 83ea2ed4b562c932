import t from 'tap';
import { compileQueryToSql, parseQuery } from '../../../src/modules/search/query-language/index.ts';

const sqlOf = (query: string, paramPrefix?: string) =>
  compileQueryToSql(parseQuery(query), paramPrefix === undefined ? {} : { paramPrefix });

const NUMERIC = `'^[+-]?(?:[0-9]+(?:\\\\.[0-9]*)?|\\\\.[0-9]+)(?:[eE][+-]?[0-9]+)?$'`;
const TOKENS = `extractAll(lower(message), '[0-9A-Za-z\\\\x{80}-\\\\x{10FFFF}]+')`;

t.test('empty query is 1', async (t) => {
  t.same(sqlOf(''), { sql: '1', params: {} });
  t.same(sqlOf('*'), { sql: '1', params: {} });
});

t.test('the architecture example', async (t) => {
  const { sql, params } = sqlOf(
    'level:error service:checkout "payment declined" -host:web-3 status>=500 user_id:u42',
  );
  t.equal(
    sql,
    '(level = {q0:String} AND service = {q1:String} AND ' +
      '(hasToken(lower(message), {q2:String}) AND hasToken(lower(message), {q3:String}) AND lower(message) LIKE {q4:String}) AND ' +
      'NOT (host = {q5:String}) AND ' +
      `(match(attributes[{q6:String}], ${NUMERIC}) AND ifNull(toFloat64OrNull(attributes[{q6:String}]) >= {q7:Float64}, 0)) AND ` +
      'user_id = {q8:String})',
  );
  t.same(params, {
    q0: 'error',
    q1: 'checkout',
    q2: 'payment',
    q3: 'declined',
    q4: '%payment declined%',
    q5: 'web-3',
    q6: 'status',
    q7: 500,
    q8: 'u42',
  });
});

t.test('message words, phrases and globs', async (t) => {
  t.same(sqlOf('TimeOut'), {
    sql: 'hasToken(lower(message), {q0:String})',
    params: { q0: 'timeout' },
  });
  t.same(sqlOf('message:TimeOut'), sqlOf('TimeOut'), 'message: is the same as a bare word');
  t.same(sqlOf('user_42'), {
    sql: '(hasToken(lower(message), {q0:String}) AND hasToken(lower(message), {q1:String}) AND lower(message) LIKE {q2:String})',
    params: { q0: 'user', q1: '42', q2: '%user\\_42%' },
  });
  t.same(sqlOf('":-)"'), { sql: 'lower(message) LIKE {q0:String}', params: { q0: '%:-)%' } });
  t.same(sqlOf('"100% É\\\\"'), {
    sql: '(hasToken(lower(message), {q0:String}) AND hasToken(lower(message), {q1:String}) AND lower(message) LIKE {q2:String})',
    params: { q0: '100', q1: 'É', q2: '%100\\% É\\\\%' },
  });
  t.same(sqlOf('Tim*'), {
    sql: `arrayExists(tok -> tok LIKE {q0:String}, ${TOKENS})`,
    params: { q0: 'tim%' },
  });
});

t.test('columns, attributes and resources', async (t) => {
  t.same(sqlOf('level:WARNING'), { sql: 'level = {q0:String}', params: { q0: 'warn' } });
  t.same(sqlOf('level:(err OR Critical)'), {
    sql: '(level = {q0:String} OR level = {q1:String})',
    params: { q0: 'error', q1: 'fatal' },
  });
  t.same(sqlOf('app:0B0E7A52-1C5A-4C1E-9A55-1F1B2C3D4E5F'), {
    sql: 'toString(app_id) = {q0:String}',
    params: { q0: '0b0e7a52-1c5a-4c1e-9a55-1f1b2c3d4e5f' },
  });
  t.same(sqlOf('service:Check*Out_'), {
    sql: 'service LIKE {q0:String}',
    params: { q0: 'Check%Out\\_' },
  });
  // Attribute equality reads the 'key=value' pairs of attr_kv (bloom-indexed, clickhouse/0004).
  t.same(sqlOf('status:500'), {
    sql: 'has(attr_kv, {q0:String})',
    params: { q0: 'status=500' },
  });
  // '=' in the value makes the pair text ambiguous: the pair only pre-filters the exact test.
  t.same(sqlOf('a:"b=c"'), {
    sql: '(has(attr_kv, {q0:String}) AND attributes[{q1:String}] = {q2:String})',
    params: { q0: 'a=b=c', q1: 'a', q2: 'b=c' },
  });
  // An empty value also matches rows without the key, which have no pair.
  t.same(sqlOf('status:""'), {
    sql: 'attributes[{q0:String}] = {q1:String}',
    params: { q0: 'status', q1: '' },
  });
  t.same(sqlOf('resource.k8s.version:1.2'), {
    sql: 'resource[{q0:String}] = {q1:String}',
    params: { q0: 'k8s.version', q1: '1.2' },
  });
  t.same(sqlOf('resource.k8s.pod:*'), {
    sql: 'mapContains(resource, {q0:String})',
    params: { q0: 'k8s.pod' },
  });
  t.same(sqlOf('trace_id:*'), { sql: "trace_id != ''", params: {} });
  t.same(sqlOf('-user_id:*'), { sql: "NOT (user_id != '')", params: {} });
});

t.test('regexes are re-emitted canonically', async (t) => {
  t.same(sqlOf('message:/^Err(or)?: \\d+$/'), {
    sql: 'match(message, {q0:String})',
    params: { q0: '^Err(?:or)?\\x{3A}\\x{20}(?:[0-9])+$' },
  });
  t.same(sqlOf('path:/\\/api\\.v[1-2]|./'), {
    sql: 'match(attributes[{q0:String}], {q1:String})',
    params: {
      q0: 'path',
      q1: '(?:\\x{2F}api\\x{2E}v[1-2]|[\\x{0}-\\x{D7FF}\\x{E000}-\\x{10FFFF}])',
    },
  });
  t.same(sqlOf('k:/[^a]{2,3}?/').params, {
    q0: 'k',
    q1: '(?:[\\x{0}-\\x{60}b-\\x{D7FF}\\x{E000}-\\x{10FFFF}]){2,3}',
  });
});

t.test('numeric comparisons', async (t) => {
  t.same(sqlOf('latency_ms<2.5'), {
    sql: `(match(attributes[{q0:String}], ${NUMERIC}) AND ifNull(toFloat64OrNull(attributes[{q0:String}]) < {q1:Float64}, 0))`,
    params: { q0: 'latency_ms', q1: 2.5 },
  });
  t.same(sqlOf('n>1e21').params, { q0: 'n', q1: '1e+21' }, 'unsafe integers are bound as text');
});

t.test('parameter prefix lets filters coexist', async (t) => {
  const a = sqlOf('a b', 'f1_');
  const b = sqlOf('a b', 'f2_');
  t.equal(
    a.sql,
    '(hasToken(lower(message), {f1_0:String}) AND hasToken(lower(message), {f1_1:String}))',
  );
  t.same(Object.keys(b.params), ['f2_0', 'f2_1']);
  t.throws(() => sqlOf('a', 'bad-prefix'), TypeError);
  t.throws(() => sqlOf('a', '1x'), TypeError);
});

t.test('no user value ever appears in the SQL text', async (t) => {
  const hostile = [
    "x'); DROP TABLE logs; --",
    "it\\'s",
    '{evil:String}',
    'evil_k3y',
    '`backtick`',
    '日本語テキスト',
  ];
  for (const value of hostile) {
    const word = value.replace(/[\s()":<>*\\-]/g, (ch) => `\\${ch}`);
    const quoted = `"${value.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
    const queries = [
      word,
      quoted,
      `${word}:${quoted}`,
      `${word}:${word}*`,
      `resource.${word}:*`,
      `${word}>=12345.678`,
      `level:${quoted}`,
      `service:(${quoted} OR ${word})`,
    ];
    for (const query of queries) {
      const { sql, params } = sqlOf(query);
      t.notOk(sql.includes(value), `${query} keeps ${value} out of the SQL`);
      t.notOk(sql.includes('12345'), 'numbers are parameters too');
      t.ok(Object.keys(params).length > 0);
      for (const placeholder of sql.matchAll(/\{(\w+):(String|Float64)\}/g)) {
        t.ok(Object.hasOwn(params, placeholder[1]!), `${placeholder[1]} is bound`);
      }
    }
  }
});
