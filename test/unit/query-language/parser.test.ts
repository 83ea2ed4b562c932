import t from 'tap';
import {
  MAX_NESTING_DEPTH,
  MAX_QUERY_LENGTH_CHARS,
  MAX_TERMS,
  parseQuery,
  QuerySyntaxError,
} from '../../../src/modules/search/query-language/index.ts';
import type { QueryNode } from '../../../src/modules/search/query-language/index.ts';

/** A compact rendering of the AST so precedence tests read like the grammar. */
function show(node: QueryNode): string {
  switch (node.kind) {
    case 'match_all':
      return '*ALL*';
    case 'and':
    case 'or':
      return `(${node.kind} ${node.children.map(show).join(' ')})`;
    case 'not':
      return `(not ${show(node.child)})`;
    default: {
      const f = node.field;
      const name = f.kind === 'column' ? f.column : `${f.kind}[${f.key}]`;
      if (node.kind === 'text')
        return `${name}${node.quoted ? '=' : ':'}${JSON.stringify(node.value)}`;
      if (node.kind === 'wildcard') return `${name}~${JSON.stringify(node.parts)}`;
      if (node.kind === 'regex') return `${name}/${node.source}/`;
      if (node.kind === 'compare') return `${name}${node.op}${node.value}`;
      return `${name}?`;
    }
  }
}

const parse = (query: string) => show(parseQuery(query));

function syntaxError(query: string): QuerySyntaxError {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(query)}`);
}

t.test('empty and match-all queries', async (t) => {
  t.equal(parse(''), '*ALL*');
  t.equal(parse('   \t\n'), '*ALL*');
  t.equal(parse('*'), '*ALL*');
  t.same(parseQuery('').span, { start: 0, end: 0 });
});

t.test('bare words and phrases search the message', async (t) => {
  t.equal(parse('timeout'), 'message:"timeout"');
  t.equal(parse('"payment declined"'), 'message="payment declined"');
  t.equal(parse('and or not'), '(and message:"and" message:"or" message:"not")');
  t.equal(parse('/api/v1'), 'message:"/api/v1"', 'a bare leading slash is not a regex');
  t.equal(parse('foo-bar'), 'message:"foo-bar"', 'an inner dash is literal');
  t.equal(parse('a=b'), 'message:"a=b"');
});

t.test('precedence: NOT > AND > OR', async (t) => {
  t.equal(parse('a b OR c'), '(or (and message:"a" message:"b") message:"c")');
  t.equal(parse('a OR b c'), '(or message:"a" (and message:"b" message:"c"))');
  t.equal(
    parse('a AND b OR c AND d'),
    '(or (and message:"a" message:"b") (and message:"c" message:"d"))',
  );
  t.equal(parse('NOT a b'), '(and (not message:"a") message:"b")');
  t.equal(parse('-a OR b'), '(or (not message:"a") message:"b")');
  t.equal(parse('NOT NOT a'), '(not (not message:"a"))');
  t.equal(parse('-(a OR b) c'), '(and (not (or message:"a" message:"b")) message:"c")');
  t.equal(
    parse('(a OR b) (c OR d)'),
    '(and (or message:"a" message:"b") (or message:"c" message:"d"))',
  );
  t.equal(parse('a OR b OR c'), '(or message:"a" message:"b" message:"c")', 'chains are flat');
  t.equal(parse('((a))'), 'message:"a"');
});

t.test('field terms', async (t) => {
  t.equal(parse('level:error'), 'level:"error"');
  t.equal(parse('app:ABC'), 'app_id:"ABC"');
  t.equal(parse('app_id:x'), 'app_id:"x"');
  t.equal(parse('service:"check out"'), 'service="check out"');
  t.equal(parse('status:500'), 'attribute[status]:"500"');
  t.equal(parse('attributes.level:x'), 'attribute[level]:"x"', 'explicit attribute prefix');
  t.equal(parse('resource.k8s.pod:web'), 'resource[k8s.pod]:"web"');
  t.equal(parse('Level:x'), 'attribute[Level]:"x"', 'field names are case-sensitive');
  t.equal(parse('url:http://x.io:80/a'), 'attribute[url]:"http://x.io:80/a"', 'colons in values');
  t.equal(parse('t:a<b>c'), 'attribute[t]:"a<b>c"');
  t.equal(
    parse('delta:-5'),
    'attribute[delta]:"-5"',
    'a dash after the colon is part of the value',
  );
  t.equal(parse('-host:web-3'), '(not host:"web-3")');
  t.equal(parse('NOT host:web-3'), '(not host:"web-3")');
  t.equal(parse('k:"" k2:*'), '(and attribute[k]="" attribute[k2]?)');
  t.equal(parse('user_id:*'), 'user_id?');
});

t.test('field groups apply the field to every value inside', async (t) => {
  t.equal(parse('level:(error OR warn)'), '(or level:"error" level:"warn")');
  t.equal(parse('service:(a b)'), '(and service:"a" service:"b")');
  t.equal(parse('service:(a -b)'), '(and service:"a" (not service:"b"))');
  t.equal(
    parse('k:(a* OR "x y" OR (c NOT d))'),
    '(or attribute[k]~["a",""] attribute[k]="x y" (and attribute[k]:"c" (not attribute[k]:"d")))',
  );
  t.equal(parse('k:(*)'), 'attribute[k]?');
  t.equal(parse('message:(foo "a b")'), '(and message:"foo" message="a b")');
});

t.test('wildcards, regexes and comparisons', async (t) => {
  t.equal(parse('tim*'), 'message~["tim",""]');
  t.equal(parse('*out'), 'message~["","out"]');
  t.equal(parse('host:web-*-eu'), 'host~["web-","-eu"]');
  t.equal(parse('host:**'), 'host?');
  t.equal(parse('path:/^\\/api\\/v[12]$/'), 'attribute[path]/^/api/v[12]$/');
  t.equal(parse('msg://'), 'attribute[msg]//');
  t.equal(parse('status>=500'), 'attribute[status]>=500');
  t.equal(
    parse('status>500 status<600 status<=599.5'),
    '(and attribute[status]>500 attribute[status]<600 attribute[status]<=599.5)',
  );
  t.equal(parse('n>=-1e3'), 'attribute[n]>=-1000');
  t.equal(parse('n<.5'), 'attribute[n]<0.5');
});

t.test('escaping', async (t) => {
  t.equal(parse('path:\\/api'), 'attribute[path]:"/api"', 'escaped leading slash is not a regex');
  t.equal(parse('a\\ b'), 'message:"a b"');
  t.equal(parse('a\\*'), 'message:"a*"', 'escaped star is literal');
  t.equal(parse('a\\**'), 'message~["a*",""]');
  t.equal(parse('\\-a'), 'message:"-a"');
  t.equal(parse('\\AND'), 'message:"AND"', 'escaped keyword is a word');
  t.equal(parse('k\\:x:v'), 'attribute[k:x]:"v"');
  t.equal(parse('a\\(b\\)'), 'message:"a(b)"');
  t.equal(parse('"say \\"hi\\" \\\\ there"'), 'message="say \\"hi\\" \\\\ there"');
  t.equal(parse('"no * wildcard"'), 'message="no * wildcard"');
  t.equal(
    parse('"a\\nb"'),
    'message="anb"',
    'backslash escapes the next character, it is no C escape',
  );
  t.equal(parse('x:/a\\/b\\d/'), 'attribute[x]/a/b\\d/', 'only \\/ is unescaped in a regex');
  t.equal(parse('😀 "日本"'), '(and message:"😀" message="日本")');
});

t.test('source positions', async (t) => {
  const ast = parseQuery('level:error  -host:web');
  t.equal(ast.kind, 'and');
  if (ast.kind !== 'and') return;
  t.same(ast.span, { start: 0, end: 22 });
  t.same(ast.children[0]!.span, { start: 0, end: 11 });
  t.same(ast.children[1]!.span, { start: 13, end: 22 });
  const group = parseQuery('k:(a OR bb)');
  if (group.kind !== 'or') return t.fail('expected or');
  t.same(
    group.children.map((c) => c.span),
    [
      { start: 3, end: 4 },
      { start: 8, end: 10 },
    ],
  );
  const term = parseQuery('x "ab"');
  if (term.kind !== 'and') return t.fail('expected and');
  t.same(term.children[1]!.span, { start: 2, end: 6 });
});

t.test('syntax errors carry a position and what was expected', async (t) => {
  const cases: [string, number, string[]][] = [
    ['a AND', 5, ['a search term', "'('", 'NOT', "'-'"]],
    ['a OR', 4, ['a search term', "'('", 'NOT', "'-'"]],
    ['(a', 2, ['AND', 'OR', "')'"]],
    ['a)', 1, ['AND', 'OR', 'end of query']],
    ['()', 1, ['a search term', "'('", 'NOT', "'-'"]],
    ['level:', 6, ['a value', "'('"]],
    ['level: error', 7, ['a value', "'('"]],
    ['level:()', 7, ['a value', "'('"]],
    [':x', 0, ['a search term', "'('", 'NOT', "'-'"]],
    ['x>=abc', 3, ['a number']],
    ['x>=', 3, ['a number']],
    ['x>= 5', 4, ['a number']],
    ['x>=5*', 3, ['a number']],
    ['"abc', 4, ["'\"'"]],
    ['a\\', 1, ['escaped character']],
    ['x:/abc', 6, ["'/'"]],
    ['a*b:c', 0, ['field name']],
    ['NOT', 3, ['a search term', "'('", 'NOT', "'-'"]],
    ['k:(a:b)', 4, ['AND', 'OR', "')'"]],
  ];
  for (const [query, position, expected] of cases) {
    const error = syntaxError(query);
    t.equal(error.position, position, `${query}: position`);
    t.same(error.expected, expected, `${query}: expected`);
    t.equal(error.code, 'invalid_query');
    t.match(error.message, /\S/);
  }
  t.match(syntaxError('a AND').message, 'Expected a search term');
});

t.test('regex errors point into the pattern', async (t) => {
  const cases: [string, number, RegExp][] = [
    ['x:/(?=a)/', 3, /lookaround/],
    ['x:/(?i)a/', 3, /flags/],
    ['x:/a\\1/', 4, /unsupported escape/],
    ['x:/\\bword/', 3, /unsupported escape/],
    ['x:/\\p{L}/', 3, /unsupported escape/],
    ['x:/a**/', 5, /nested quantifier/],
    ['x:/*a/', 3, /nothing to repeat/],
    ['x:/a{2/', 4, /malformed repetition/],
    ['x:/a{1000}/', 4, /repetition count/],
    ['x:/a{3,2}/', 4, /reversed/],
    ['x:/[]a]/', 4, /empty class/],
    ['x:/[a/', 3, /missing '\]'/],
    ['x:/(a/', 3, /missing '\)'/],
    ['x:/a)/', 4, /unexpected/],
    ['x:/[z-a]/', 5, /reversed/],
    ['x:/\\x{D800}/', 3, /scalar/],
    ['x:/^*/', 3, /anchor/],
    ['x:/\\/\\/(/', 7, /missing/],
  ];
  for (const [query, position, message] of cases) {
    const error = syntaxError(query);
    t.equal(error.position, position, `${query}: position`);
    t.match(error.message, message, `${query}: message`);
    t.same(error.expected, ['a valid regex']);
  }
  t.match(syntaxError('x:/(a{100}){100}/').message, /size limit/);
});

t.test('limits', async (t) => {
  t.doesNotThrow(() => parseQuery('a'.repeat(MAX_QUERY_LENGTH_CHARS)));
  const long = syntaxError('a'.repeat(MAX_QUERY_LENGTH_CHARS + 1));
  t.equal(long.position, MAX_QUERY_LENGTH_CHARS);
  t.match(long.message, String(MAX_QUERY_LENGTH_CHARS));

  const nested = (depth: number) => '('.repeat(depth) + 'a' + ')'.repeat(depth);
  t.doesNotThrow(() => parseQuery(nested(MAX_NESTING_DEPTH)));
  const deep = syntaxError(nested(MAX_NESTING_DEPTH + 1));
  t.equal(deep.position, MAX_NESTING_DEPTH);
  t.match(deep.message, /nests deeper/);
  t.match(syntaxError('-'.repeat(MAX_NESTING_DEPTH + 1) + 'a').message, /nests deeper/);
  t.match(syntaxError('NOT '.repeat(MAX_NESTING_DEPTH + 1) + 'a').message, /nests deeper/);

  const terms = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`).join(' ');
  t.doesNotThrow(() => parseQuery(terms(MAX_TERMS)));
  const many = syntaxError(terms(MAX_TERMS + 1));
  t.match(many.message, String(MAX_TERMS));
  t.equal(many.position, terms(MAX_TERMS).length + 1);
  t.match(syntaxError(`k:(${terms(MAX_TERMS + 1)})`).message, /more than/);
});

t.test('lone surrogates are rejected', async (t) => {
  t.equal(syntaxError('ab\ud800c').position, 2);
  t.doesNotThrow(() => parseQuery('😀'));
});
