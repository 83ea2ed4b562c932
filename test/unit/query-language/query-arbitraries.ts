import fc from 'fast-check';
import {
  APP_IDS,
  ATTRIBUTE_KEYS,
  NUMBERISH,
  RESOURCE_KEYS,
  textArb,
  WORDS,
} from './log-row-arbitraries.ts';

/** Escapes a value so the lexer reads it back as one literal word (a leading '/' opens a regex). */
export function escapeWord(text: string): string {
  const escaped = text.replace(/[\s()":<>*\\]/g, (ch) => `\\${ch}`);
  const leadingDash = /^[-/]/.test(escaped) ? `\\${escaped}` : escaped;
  return /^(AND|OR|NOT)$/.test(leadingDash) ? `\\${leadingDash}` : leadingDash;
}

export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

const FIELDS = [
  'level',
  'service',
  'host',
  'user_id',
  'trace_id',
  'span_id',
  'app',
  'message',
  ...ATTRIBUTE_KEYS.filter((k) => k !== 'level').map(escapeWord),
  'attributes.level',
  ...RESOURCE_KEYS.map((k) => `resource.${k}`),
];
const REGEXES = [
  '^a',
  'b$',
  'rr(or)?',
  '[0-9]+',
  '^$',
  '.',
  'é.',
  '\\d{2,}',
  '[^a-z]',
  'a|b',
  '(?:x|日)+',
  '\\s',
  '\\w+\\.\\w+',
  'E.*r',
  '\\x{E9}',
  '^.$',
  '\\n',
  '[\\-_]',
  '😀',
  '^[A-Z]',
  '\\/api',
  'o{2}',
  '(a+)+$',
  '\\.\\d*$',
];
const LEVEL_WORDS = [
  'warning',
  'WARN',
  'err',
  'error',
  'info',
  'Information',
  'fatal',
  'critical',
  'notice',
];

const wordArb = fc.oneof(
  fc.constantFrom(...WORDS, ...LEVEL_WORDS, ...APP_IDS, APP_IDS[0]!.toUpperCase()),
  textArb,
);
const nonEmptyWordArb = wordArb.filter((w) => w !== '');

/** `ab` → `a*` / `*b` / `a*b`: a glob built from a real word so that it sometimes matches. */
const globArb = fc
  .tuple(nonEmptyWordArb, fc.nat(), fc.constantFrom('prefix', 'suffix', 'infix'))
  .map(([word, cut, where]) => {
    const chars = [...word];
    const at = cut % (chars.length + 1);
    const head = escapeWord(chars.slice(0, at).join(''));
    const tail = escapeWord(chars.slice(at).join(''));
    if (where === 'prefix') return `${head}*`;
    if (where === 'suffix') return `*${tail}`;
    return `${head}*${tail}`;
  });

const valueArb = fc.oneof(
  { weight: 4, arbitrary: nonEmptyWordArb.map(escapeWord) },
  { weight: 2, arbitrary: wordArb.map(quote) },
  { weight: 2, arbitrary: globArb },
  { weight: 2, arbitrary: fc.constantFrom(...REGEXES).map((re) => `/${re}/`) },
  { weight: 1, arbitrary: fc.constant('*') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(nonEmptyWordArb, wordArb, fc.constantFrom(' OR ', ' ', ' AND -'))
      .map(([a, b, op]) => `(${escapeWord(a)}${op}${quote(b)})`),
  },
);

const numberArb = fc.oneof(
  fc.constantFrom('500', '499.5', '0', '-0', '1e3', '.5', '5.', '+7', '-1.5', '42'),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((n) => String(n)),
);

const termArb = fc.oneof(
  { weight: 4, arbitrary: nonEmptyWordArb.map(escapeWord) },
  { weight: 2, arbitrary: wordArb.map(quote) },
  { weight: 2, arbitrary: globArb },
  {
    weight: 6,
    arbitrary: fc.tuple(fc.constantFrom(...FIELDS), valueArb).map(([f, v]) => `${f}:${v}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...FIELDS), fc.constantFrom('>=', '>', '<=', '<'), numberArb)
      .map(([f, op, n]) => `${f}${op}${n}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(...NUMBERISH.filter((n) => n !== '')).map(escapeWord) },
);

/** Random well-formed queries: terms joined by implicit/explicit AND, OR, NOT, '-' and parens. */
export const queryArb: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: termArb },
    {
      weight: 2,
      arbitrary: fc
        .tuple(tie('expr'), fc.constantFrom(' ', ' AND ', ' OR '), tie('expr'))
        .map(([a, op, b]) => `${a}${op}${b}`),
    },
    { weight: 1, arbitrary: tie('expr').map((e) => `(${e})`) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('-', 'NOT '), tie('expr')).map(([n, e]) => `${n}(${e})`),
    },
  ),
})).expr;
