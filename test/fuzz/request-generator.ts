// Seeded request generation for the fuzz suite: every operation of the OpenAPI document (so new
// routes join by existing), filled from its schemas with valid-looking and hostile values, plus
// hostile bodies in every ingest format and content encoding.
import zlib from 'node:zlib';

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, items: readonly T[]): T =>
  items[Math.floor(rng() * items.length)] as T;

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The OpenAPI path it came from, for the report. */
  route: string;
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '../../../../etc/passwd',
  '%00',
  '%',
  '\uD800',
  '\uFFFF\uFFFE',
  '𝕏'.repeat(200),
  'x'.repeat(70_000),
  '<script>alert(1)</script>',
  '=HYPERLINK("http://evil.example")',
  '9223372036854775808',
  '-9223372036854775809',
  '1e309',
  'NaN',
  '-1',
  '0',
  'now+999999999w',
  'now-999999999w',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  '2016-12-31T23:59:60Z',
  '1969-12-31T23:59:59Z',
  'null',
  'true',
  '[]',
  '{}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'level:error AND (',
  '((((((((((((((((((((a))))))))))))))))))))',
  '/(a+)+$/',
  'k:*',
  'resource.service.name:*',
  '*'.repeat(300),
  'a'.repeat(1025),
  '\r\nSet-Cookie: x=y',
  '\t=1+1',
];

const HOSTILE_VALUES: unknown[] = [
  null,
  -1,
  0,
  2 ** 53 + 1,
  -(2 ** 63),
  1e308,
  1.5,
  true,
  [],
  {},
  [null],
  { toString: 1 },
  { __proto__: { admin: true } },
  'x'.repeat(5000),
  ...HOSTILE_STRINGS.slice(0, 20),
];

type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: boolean | Schema;
  nullable?: boolean;
};

export interface Known {
  /** Values for path parameters by name (org, app, id…), tried first most of the time. */
  params: Record<string, string[]>;
}

function uuid(rng: Rng): string {
  const hex = () => Math.floor(rng() * 16).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-7${part(3)}-8${part(3)}-${part(12)}`;
}

/** A value for `schema`: usually one it accepts, sometimes a hostile one. */
export function valueFor(rng: Rng, schema: Schema | undefined, depth = 0): unknown {
  if (rng() < 0.12) return pick(rng, HOSTILE_VALUES);
  if (!schema) return pick(rng, HOSTILE_STRINGS);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return pick(rng, schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.length > 0) return valueFor(rng, pick(rng, variants), depth);
  if (schema.allOf && schema.allOf.length > 0) return valueFor(rng, schema.allOf[0], depth);
  const type = Array.isArray(schema.type) ? pick(rng, schema.type) : schema.type;
  switch (type) {
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -10;
      const max = schema.maximum ?? 1000;
      const n = min + rng() * (max - min);
      return type === 'integer' ? Math.round(n) : n;
    }
    case 'boolean':
      return rng() < 0.5;
    case 'null':
      return null;
    case 'array': {
      if (depth > 4) return [];
      const n = Math.floor(rng() * 4);
      return Array.from({ length: n }, () => valueFor(rng, schema.items, depth + 1));
    }
    case 'object': {
      if (depth > 4) return {};
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if ((schema.required ?? []).includes(key) || rng() < 0.5)
          out[key] = valueFor(rng, sub, depth + 1);
      }
      if (rng() < 0.1) out[pick(rng, ['extra', '__proto__', 'constructor'])] = 1;
      return out;
    }
    default:
      return stringFor(rng, schema);
  }
}

function stringFor(rng: Rng, schema: Schema): string {
  switch (schema.format) {
    case 'uuid':
      return uuid(rng);
    case 'date-time':
      return new Date(Date.now() - Math.floor(rng() * 86_400_000)).toISOString();
    case 'email':
      return `fuzz${Math.floor(rng() * 1000)}@example.test`;
    default: {
      const words = ['level:error', 'now-1h', 'now', 'web', 'checkout', 'hello', 'admin', 'viewer'];
      const s = rng() < 0.6 ? pick(rng, words) : pick(rng, HOSTILE_STRINGS);
      return schema.maxLength !== undefined ? s.slice(0, schema.maxLength) : s;
    }
  }
}

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; schema?: Schema; required?: boolean }[];
  body?: Schema;
}

/** Every operation of an OpenAPI 3 document. */
export function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete', 'head'].includes(method)) continue;
      const op = raw as {
        parameters?: Operation['parameters'];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      };
      out.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return out;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

/** encodeURIComponent, except that a lone surrogate is sent as its raw (invalid) UTF-8 bytes. */
function encodePathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return `%ED%A0%80${encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, ''))}`;
  }
}

const RAW_QUERY_TAILS = ['%00', '%ZZ', '%', '&&&', '=', '[]=1', '%C0%AF', `${'a'.repeat(9000)}`];

export function requestFor(rng: Rng, op: Operation, known: Known): FuzzRequest {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const values = known.params[name];
    const value =
      values && rng() < 0.7 ? pick(rng, values) : textOf(valueFor(rng, { type: 'string' }));
    return encodePathSegment(value.slice(0, 2000));
  });
  const query = new URLSearchParams();
  for (const p of op.parameters) {
    if (p.in !== 'query' || (!p.required && rng() < 0.4)) continue;
    const v = valueFor(rng, p.schema);
    query.set(p.name, textOf(v));
  }
  if (rng() < 0.05) query.set(pick(rng, ['unknown', 'limit', 'from']), pick(rng, HOSTILE_STRINGS));
  let search = query.toString();
  if (rng() < 0.05) search += `&x=${pick(rng, RAW_QUERY_TAILS)}`;
  const headers: Record<string, string> = {};
  let body: Buffer | undefined;
  if (op.method !== 'GET' && op.method !== 'HEAD' && op.method !== 'DELETE') {
    const roll = rng();
    if (roll < 0.8) {
      body = Buffer.from(JSON.stringify(valueFor(rng, op.body)) ?? 'null');
      headers['content-type'] = 'application/json';
    } else if (roll < 0.9) {
      body = Buffer.from(pick(rng, ['{', '{"a":', '[1,2', 'not json', '\u0000', '{"a":1}{"b":2}']));
      headers['content-type'] = 'application/json';
    } else {
      body = Buffer.from('a=1&b=2');
      headers['content-type'] = pick(rng, [
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/xml',
      ]);
    }
  }
  return {
    method: op.method,
    path: search ? `${path}?${search}` : path,
    headers,
    body,
    route: op.path,
  };
}

// ---- hostile ingest bodies ---------------------------------------------------------------------

const ENCODERS: Record<string, (b: Buffer) => Buffer> = {
  identity: (b) => b,
  gzip: (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  'raw-deflate': (b) => zlib.deflateRawSync(b),
  br: (b) => zlib.brotliCompressSync(b),
};

function ingestPayloads(rng: Rng): { path: string; type: string; body: Buffer }[] {
  const now = new Date().toISOString();
  const record = () => ({
    timestamp: pick(rng, [now, '0000-01-01T00:00:00Z', 'garbage', 1e20, -1, null]),
    level: pick(rng, ['error', 'info', '', 'x'.repeat(500), 7]),
    message: pick(rng, ['hello', '\u0000', 'x'.repeat(1000), { nested: { deep: [1, 2] } }]),
    attributes: pick(rng, [{ k: 'v' }, { '': 1 }, { ['k'.repeat(300)]: 'v' }, [], 'str']),
  });
  const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
  const otlp = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
        scopeLogs: [
          {
            logRecords: [
              { timeUnixNano: String(Date.now() * 1e6), body: { stringValue: 'hi' } },
              { body: { intValue: { toString: 1 } } },
              { body: { kvlistValue: { values: [{ key: 'k', value: { arrayValue: {} } }] } } },
              { timeUnixNano: '99999999999999999999999', severityNumber: -5 },
            ],
          },
        ],
      },
    ],
  };
  return [
    { path: '/v1/logs', type: 'application/json', body: Buffer.from(JSON.stringify(record())) },
    {
      path: '/v1/logs',
      type: 'application/json',
      body: Buffer.from(JSON.stringify([record(), record()])),
    },
    { path: '/v1/logs', type: 'application/json', body: Buffer.from(JSON.stringify(deep(200))) },
    {
      path: '/v1/logs',
      type: 'application/json',
      body: Buffer.from(`[${'{},'.repeat(20_000)}{}]`),
    },
    {
      path: '/v1/logs',
      type: 'application/x-ndjson',
      body: Buffer.from(`${JSON.stringify(record())}\n{bad\n\n${JSON.stringify(record())}\n`),
    },
    { path: '/v1/logs', type: 'application/x-ndjson', body: Buffer.from('\u0000\u0001\u0002') },
    { path: '/otlp/v1/logs', type: 'application/json', body: Buffer.from(JSON.stringify(otlp)) },
    { path: '/otlp/v1/logs', type: 'application/json', body: Buffer.from('{"resourceLogs":{}}') },
    {
      path: '/otlp/v1/logs',
      type: 'application/x-protobuf',
      body: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    },
    {
      path: '/otlp/v1/logs',
      type: 'application/x-protobuf',
      body: Buffer.from(Array.from({ length: 64 }, () => Math.floor(rng() * 256))),
    },
    {
      path: '/_bulk',
      type: 'application/x-ndjson',
      body: Buffer.from(
        `{"index":{}}\n${JSON.stringify(record())}\n{"delete":{"_id":"1"}}\n{"create":{}}\n`,
      ),
    },
    { path: '/_bulk', type: 'application/json', body: Buffer.from('{"index":{}}\n') },
    {
      path: '/logs-fuzz/_bulk',
      type: 'application/x-ndjson',
      body: Buffer.from('{"index":{"_index":"\u0000"}}\n{}\n'),
    },
    {
      path: '/loki/api/v1/push',
      type: 'application/json',
      body: Buffer.from('{"streams":[{"stream":{"a":"b"},"values":[["1","x"],["bad"]]}]}'),
    },
    { path: '/loki/api/v1/push', type: 'application/x-protobuf', body: Buffer.from([1, 2, 3, 4]) },
  ];
}

let payloads: ReturnType<typeof ingestPayloads> | undefined;
let bomb: Buffer | undefined;

export function ingestRequest(rng: Rng, key: string): FuzzRequest {
  payloads ??= ingestPayloads(rng);
  const payload = pick(rng, payloads);
  const encoding = pick(rng, Object.keys(ENCODERS));
  let body = (ENCODERS[encoding] as (b: Buffer) => Buffer)(payload.body);
  const headers: Record<string, string> = { 'content-type': payload.type };
  if (encoding !== 'identity')
    headers['content-encoding'] = encoding === 'raw-deflate' ? 'deflate' : encoding;
  const twist = rng();
  if (twist < 0.08)
    body = body.subarray(0, Math.floor(body.length / 2)); // truncated stream
  else if (twist < 0.12)
    headers['content-encoding'] = pick(rng, ['gzip, gzip', 'zstd', 'compress', 'br;q=1']);
  else if (twist < 0.16) headers['content-type'] = pick(rng, ['text/plain', 'application/xml', '']);
  else if (twist < 0.18) body = bomb ??= zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024)); // 20 KiB → 20 MiB
  const auth = rng();
  if (auth < 0.85) headers.authorization = `Bearer ${key}`;
  else if (auth < 0.9) headers['x-api-key'] = 'mlk_wrong';
  else if (auth < 0.95)
    headers.authorization = `Basic ${Buffer.from(`u:${key}`).toString('base64')}`;
  return { method: 'POST', path: payload.path, headers, body, route: `ingest ${payload.path}` };
}
