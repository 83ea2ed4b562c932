// Every way the query parser rejects a query (each reason code, each regex problem) carries its code,
// and the query bar words each one in Polish and German with no English left, in English as the
// parser does. The tables are typed by the codes, so a new code fails typecheck until it is here.
import t from 'tap';
import { makeDisplay, setCurrentDisplay } from '../../src/web/src/i18n/display.ts';
import { checkQuery, queryProblemFromApi } from '../../src/web/src/lib/query-syntax.ts';
import { queryHints } from '../../src/web/src/lib/query-hints.ts';
import { parseQuery } from '../../src/modules/search/query-language/parser.ts';
import {
  QuerySyntaxError,
  type QuerySyntaxReason,
} from '../../src/modules/search/query-language/query-syntax-error.ts';
import type { RegexProblem } from '../../src/modules/search/query-language/regex-problem.ts';
import {
  MAX_NESTING_DEPTH,
  MAX_QUERY_LENGTH_CHARS,
  MAX_TERMS,
} from '../../src/modules/search/query-language/limits.ts';

const REASONS: Record<Exclude<QuerySyntaxReason['code'], 'invalid_regex'>, string> = {
  query_too_long: 'a'.repeat(MAX_QUERY_LENGTH_CHARS + 1),
  invalid_unicode: 'a \uD800',
  dangling_backslash: 'abc\\',
  unterminated_phrase: '"abc',
  unterminated_regex: 'message:/abc',
  unexpected_token: 'status>=abc',
  too_deep: `${'('.repeat(MAX_NESTING_DEPTH + 1)}a${')'.repeat(MAX_NESTING_DEPTH + 1)}`,
  wildcard_field_name: 'ser*ice:x',
  number_out_of_range: `status>=1${'0'.repeat(400)}`,
  too_many_terms: 'a '.repeat(MAX_TERMS + 1),
};

const REGEX: Record<Exclude<RegexProblem['code'], 'trailing_backslash' | 'too_large'>, string> = {
  unexpected_char: 'message:/a)/',
  anchor_repeated: 'message:/^*/',
  nested_quantifier: 'message:/a*+/',
  malformed_repetition: 'message:/a{x/',
  repeat_too_large: 'message:/a{1000}/',
  repeat_reversed: 'message:/a{3,1}/',
  nothing_to_repeat: 'message:/*a/',
  unsupported_group: 'message:/(?=a)/',
  missing_paren: 'message:/(a/',
  unsupported_escape: 'message:/\\q/',
  malformed_hex_escape: 'message:/\\xZZ/',
  not_scalar_value: 'message:/\\x{D800}/',
  empty_class: 'message:/[]/',
  missing_bracket: 'message:/[a/',
  class_escape_ends_range: 'message:/[a-\\d]/',
  class_range_reversed: 'message:/[z-a]/',
  nested_class: 'message:/[[]/',
};

// Words of the English texts that a translation must not keep (syntax like AND, `\xHH` may stay).
const ENGLISH =
  /\b(expected|found|query|unterminated|invalid|nothing|missing|repetition|range|number|field|end of|value|nested|unsupported|unexpected|such|mean)\b/i;

function reasonOf(query: string): QuerySyntaxReason {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error.reason;
    throw error;
  }
  throw new Error(`parsed: ${query.slice(0, 40)}`);
}

const cases = [
  ...Object.entries(REASONS).map(([code, query]) => ({ code, query })),
  ...Object.entries(REGEX).map(([code, query]) => ({ code: `regex ${code}`, query })),
];

t.test('each query fails with its code', async (t) => {
  for (const { code, query } of cases) {
    const reason = reasonOf(query);
    const got = reason.code === 'invalid_regex' ? `regex ${reason.problem.code}` : reason.code;
    t.equal(got, code, query.slice(0, 40));
  }
});

t.test('English says what the parser says', async (t) => {
  setCurrentDisplay(makeDisplay('en', 'UTC'));
  t.equal(checkQuery('status>=abc')?.message, "Expected a number, found 'abc'");
  t.equal(checkQuery('"abc')?.message, "Unterminated quoted phrase — expected '\"'");
  t.equal(checkQuery('message:/a{3,1}/')?.message, 'Invalid regex: repetition range is reversed');
  t.equal(
    checkQuery('a AND')?.message,
    "Expected a search term, '(', NOT, or '-', found end of query",
  );
});

for (const locale of ['pl', 'de'] as const) {
  t.test(`${locale}: every problem and hint in ${locale}`, async (t) => {
    setCurrentDisplay(makeDisplay('en', 'UTC'));
    const english = cases.map(({ query }) => checkQuery(query)?.message);
    setCurrentDisplay(makeDisplay(locale, 'UTC'));
    cases.forEach(({ code, query }, i) => {
      const message = checkQuery(query)?.message ?? '';
      t.not(message, english[i], `${code}: translated`);
      t.notMatch(message, ENGLISH, `${code}: ${message}`);
    });
    // The server's answer carries the same reason, so a problem found there reads the same.
    const details = { position: 8, expected: ['a number'], reason: reasonOf('status>=abc') };
    t.equal(
      queryProblemFromApi("Expected a number at position 8, found 'abc'", details).message,
      checkQuery('status>=abc')?.message,
    );
    const known = { names: ['service'], truncated: false };
    for (const hint of [
      ...queryHints('level:eror', known),
      ...queryHints('level:zzzzzz', known),
      ...queryHints('servce:x', known),
      ...queryHints('qqqqqqq:x', known),
    ])
      t.notMatch(hint, ENGLISH, hint);
  });
}
