import fc from 'fast-check';
import type { LogRow } from '../../../src/modules/search/query-language/index.ts';

/**
 * Small pools on purpose: random rows and random queries must collide often, or nearly every
 * query would match nothing and the SQL/JS comparison would prove little.
 */
export const APP_IDS = [
  '0b0e7a52-1c5a-4c1e-9a55-1f1b2c3d4e5f',
  '8f14e45f-ceea-467a-9575-b6d6c2f6a1b2',
  'c9f0f895-fb98-4b9b-99cf-0fbbd6ad3e2a',
];
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'WARN', 'notice', ''];
export const WORDS = [
  'error',
  'Error',
  'ERROR',
  'timeout',
  'Timeout',
  'user_42',
  'user',
  '42',
  'foo-bar',
  'foo',
  'bar',
  'é',
  'É',
  'straße',
  'STRASSE',
  '日本',
  '😀x',
  'İstanbul',
  'a%b',
  'x_y',
  'back\\slash',
  'q"uote',
  'GET',
  '/api/v1',
  'http://x.io/a?b=1',
  '500',
  '-1.5',
];
export const SEPARATORS = [' ', ' ', '-', '_', '.', ', ', '\n', '\t', ': ', '/', ''];
export const NUMBERISH = [
  '500',
  '499.5',
  '1e3',
  '-0',
  '.5',
  '5.',
  '+7',
  ' 5',
  'inf',
  'nan',
  '0x10',
  'abc',
  '',
];
export const ATTRIBUTE_KEYS = [
  'status',
  'path',
  'constructor',
  'k',
  '日',
  'a.b',
  'level',
  '__proto__',
];
export const RESOURCE_KEYS = ['k8s.pod', 'region'];
const CHARS = [
  'a',
  'B',
  'é',
  'É',
  '日',
  '😀',
  ' ',
  '-',
  '_',
  '%',
  '\\',
  '"',
  '*',
  '\n',
  '1',
  '0',
  '.',
  'ß',
];

export const textArb = fc.oneof(
  fc.constantFrom(...WORDS, ...NUMBERISH),
  fc.array(fc.constantFrom(...CHARS), { maxLength: 8 }).map((chars) => chars.join('')),
);

export const messageArb = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { maxLength: 6 })
  .chain((pairs) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(pairs.map(([w, s]) => w + s).join('')) },
      { weight: 1, arbitrary: textArb },
    ),
  );

const mapArb = (keys: string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...keys), fc.oneof(textArb, fc.constantFrom(...NUMBERISH))), {
      maxLength: 4,
    })
    // defineProperty, because plain assignment of `__proto__` would set the prototype instead.
    .map((entries) => {
      const map: Record<string, string> = {};
      for (const [key, value] of entries) {
        Object.defineProperty(map, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return map;
    });

const smallPool = (values: string[]) => fc.oneof(fc.constantFrom(...values), textArb);

// Recent, because the table's TTL (ts + retention_days) would otherwise drop the inserted parts.
const NOW_TS = new Date().toISOString().replace('T', ' ').replace('Z', '');

export const logRowArb = (id: string): fc.Arbitrary<LogRow> =>
  fc.record({
    id: fc.constant(id),
    ts: fc.constant(NOW_TS),
    org_id: fc.constant('7d3f0a11-2b1c-4d5e-8f90-a1b2c3d4e5f6'),
    app_id: fc.constantFrom(...APP_IDS),
    level: fc.constantFrom(...LEVELS),
    service: smallPool(['checkout', 'api', 'Checkout', '']),
    host: smallPool(['web-1', 'web-3', '']),
    message: messageArb,
    attributes: mapArb(ATTRIBUTE_KEYS),
    resource: mapArb(RESOURCE_KEYS),
    trace_id: fc.constantFrom('', 'abc123', '4bf92f3577b34da6a3ce929d0e0e4736'),
    span_id: fc.constantFrom('', '00f067aa0ba902b7'),
    user_id: smallPool(['u42', 'U42', '']),
  });

/** Row ids are UUIDs derived from the index so that sorted SQL ids compare with JS ids. */
export function rowId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

export const logRowsArb = (maxRows: number): fc.Arbitrary<LogRow[]> =>
  fc
    .integer({ min: 0, max: maxRows })
    .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => logRowArb(rowId(i)))))
    .map((rows) => [...rows]);
