import t from 'tap';
import { compileRegexMatcher } from '../../../src/modules/search/query-language/regex-matcher.ts';
import { parseRegex } from '../../../src/modules/search/query-language/regex-parser.ts';
import { regexToRe2 } from '../../../src/modules/search/query-language/regex-to-re2.ts';

const test = (pattern: string, input: string) => compileRegexMatcher(parseRegex(pattern))(input);

t.test('search semantics of the supported subset', async (t) => {
  const cases: [string, string, boolean][] = [
    ['abc', 'xxabcxx', true],
    ['^abc', 'xabc', false],
    ['abc$', 'abc\n', false],
    ['^$', '', true],
    ['', 'anything', true],
    ['a.c', 'a\nc', true],
    ['^.$', '😀', true],
    ['^.$', 'é', true],
    ['^..$', '😀', false],
    ['[^a]', 'a', false],
    ['[^a]', 'a\n', true],
    ['\\d+', 'x42', true],
    ['\\d', '٣', false],
    ['\\w', 'é', false],
    ['\\s', '\u00a0', false],
    ['\\s', '\t', true],
    ['colou?r', 'color', true],
    ['(ab){2}', 'abab', true],
    ['(ab){2}', 'ab', false],
    ['a{2,}', 'aa', true],
    ['a{0}b', 'b', true],
    ['(a|bc)+d', 'abcad', true],
    ['x*?y', 'y', true],
    ['[\\-_]', '-', true],
    ['[a-c-]', '-', true],
    ['\\x{1F600}', '😀', true],
    ['\\x41', 'A', true],
    ['[^\\s\\S]', 'anything', false],
    ['()*', '', true],
    ['\\.', 'a', false],
    ['\\\\', '\\', true],
  ];
  for (const [pattern, input, expected] of cases) {
    t.equal(test(pattern, input), expected, `/${pattern}/ on ${JSON.stringify(input)}`);
  }
});

t.test('matching time is linear on classic ReDoS patterns', async (t) => {
  const input = 'a'.repeat(20000) + '!';
  const started = Date.now();
  t.notOk(test('(a+)+$x', input));
  t.notOk(test('(a|a)*b', input));
  t.notOk(test('^(a*)*$', input));
  t.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
});

t.test('RE2 emission', async (t) => {
  t.equal(regexToRe2(parseRegex('a.b')), 'a[\\x{0}-\\x{D7FF}\\x{E000}-\\x{10FFFF}]b');
  t.equal(regexToRe2(parseRegex('(a|b)*')), '(?:(?:a|b))*');
  t.equal(regexToRe2(parseRegex('\\w')), '[0-9A-Z\\x{5F}a-z]');
  t.equal(regexToRe2(parseRegex('[^\\s\\S]')), '[^\\x{0}-\\x{10FFFF}]');
  t.equal(regexToRe2(parseRegex('x{1,3}?')), '(?:x){1,3}');
  t.equal(regexToRe2(parseRegex('^\\$$')), '^\\x{24}$');
});
