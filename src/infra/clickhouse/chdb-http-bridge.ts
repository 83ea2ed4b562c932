/**
 * A loopback HTTP server speaking the subset of ClickHouse's HTTP interface that
 * `@clickhouse/client` uses, executed on an in-process chdb engine.
 *
 * Why it exists: chdb binds one data directory per process, so a second process
 * (the `mylog` CLI, tests of the HTTP store) can only reach the embedded engine
 * through the process that owns it.
 *
 * Each request runs on its own chdb connection opened on the same data directory
 * as the caller's session. That is what gives ClickHouse's per-request semantics:
 * URL settings and `SET` statements stay inside the request (on a shared
 * connection a `SET` sticks for every later query), and separate connections run
 * in parallel where one connection runs its queries one after another.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { Session } from 'chdb';
import type { ChdbQueryStream, StreamChunk } from 'chdb';

export interface ChdbHttpBridgeOptions {
  session: Session;
  /** Loopback only: there is no authentication. Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Limit on the decoded request body. Default 256 MiB. */
  maxBodyBytes?: number;
}

export interface ChdbHttpBridge {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
// Above this, requests wait for a slot instead of each opening a connection.
const MAX_CONCURRENT_QUERIES = 16;

// URL parameters the ClickHouse HTTP handler consumes itself; everything else
// that is not `param_*` is a setting.
const HANDLER_PARAMS = new Set([
  'query',
  'query_id',
  'database',
  'default_format',
  'session_id',
  'session_timeout',
  'session_check',
  'close_session',
  'user',
  'password',
  'quota_key',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'stacktrace',
  'role',
  'client_protocol_version',
]);

// Formats chdb's raw insert accepts (it whitelists them): with these the body
// goes to the engine as a Buffer instead of being glued into a SQL string.
const RAW_INSERT_FORMATS = new Set([
  'JSONEachRow',
  'JSONCompactEachRow',
  'CSV',
  'CSVWithNames',
  'TSV',
  'TabSeparated',
  'TSVWithNames',
  'TabSeparatedWithNames',
]);

// chdb's stream formats every chunk on its own: only for these formats do the
// chunks concatenate to exactly what one query would return (measured; JSON,
// *WithNames, Values, Parquet, Pretty… repeat headers or wrappers per chunk).
const CONCATENABLE_FORMATS = new Set([
  'JSONEachRow',
  'JSONLines',
  'NDJSON',
  'JSONStringsEachRow',
  'JSONCompactEachRow',
  'JSONCompactStringsEachRow',
  'TabSeparated',
  'TSV',
  'TabSeparatedRaw',
  'TSVRaw',
  'CSV',
  'CustomSeparated',
  'RowBinary',
  'Native',
]);

// A streamed result is held back until it reaches this size (as ClickHouse's
// http_response_buffer_size would), so that small results that fail still get an
// error status rather than an exception in the middle of a 200.
const STREAM_HOLD_BYTES = 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  JSON: 'application/json; charset=UTF-8',
  JSONCompact: 'application/json; charset=UTF-8',
  JSONStrings: 'application/json; charset=UTF-8',
  JSONEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONCompactEachRow: 'application/x-ndjson; charset=UTF-8',
  JSONStringsEachRow: 'application/x-ndjson; charset=UTF-8',
  CSV: 'text/csv; charset=UTF-8; header=absent',
  CSVWithNames: 'text/csv; charset=UTF-8; header=present',
  TabSeparated: 'text/tab-separated-values; charset=UTF-8',
  TSV: 'text/tab-separated-values; charset=UTF-8',
};

// From ClickHouse's src/Server/HTTP/exceptionCodeToHTTPStatus.cpp, by error name
// so that the numbers come from the engine itself (errorCodeToName).
const STATUS_BY_ERROR_NAME: Record<string, number> = {};
for (const name of [
  'BAD_ARGUMENTS',
  'CANNOT_COMPILE_REGEXP',
  'CANNOT_PARSE_TEXT',
  'CANNOT_PARSE_ESCAPE_SEQUENCE',
  'CANNOT_PARSE_QUOTED_STRING',
  'CANNOT_PARSE_DATE',
  'CANNOT_PARSE_DATETIME',
  'CANNOT_PARSE_NUMBER',
  'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING',
  'CANNOT_PARSE_IPV4',
  'CANNOT_PARSE_IPV6',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  'CANNOT_PARSE_UUID',
  'DUPLICATE_COLUMN',
  'ILLEGAL_COLUMN',
  'UNKNOWN_ELEMENT_IN_AST',
  'UNKNOWN_TYPE_OF_AST_NODE',
  'THERE_IS_NO_COLUMN',
  'TOO_DEEP_AST',
  'TOO_BIG_AST',
  'UNEXPECTED_AST_STRUCTURE',
  'SYNTAX_ERROR',
  'INCORRECT_DATA',
  'TYPE_MISMATCH',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
])
  STATUS_BY_ERROR_NAME[name] = 400;
for (const name of [
  'UNKNOWN_TABLE',
  'UNKNOWN_FUNCTION',
  'UNKNOWN_IDENTIFIER',
  'UNKNOWN_TYPE',
  'UNKNOWN_STORAGE',
  'UNKNOWN_DATABASE',
  'UNKNOWN_SETTING',
  'UNKNOWN_DIRECTION_OF_SORTING',
  'UNKNOWN_AGGREGATE_FUNCTION',
  'UNKNOWN_FORMAT',
  'UNKNOWN_DATABASE_ENGINE',
  'UNKNOWN_TYPE_OF_QUERY',
  'UNKNOWN_ROLE',
])
  STATUS_BY_ERROR_NAME[name] = 404;
Object.assign(STATUS_BY_ERROR_NAME, {
  REQUIRED_PASSWORD: 401,
  UNKNOWN_USER: 403,
  WRONG_PASSWORD: 403,
  AUTHENTICATION_FAILED: 403,
  SET_NON_GRANTED_ROLE: 403,
  ACCESS_DENIED: 403,
  QUERY_IS_TOO_LARGE: 413,
  NOT_IMPLEMENTED: 501,
  SOCKET_TIMEOUT: 503,
  CANNOT_OPEN_FILE: 503,
  CANNOT_SCHEDULE_TASK: 503,
  HTTP_LENGTH_REQUIRED: 411,
  TIMEOUT_EXCEEDED: 408,
  UNSUPPORTED_MEDIA_TYPE: 415,
});

interface EngineInfo {
  version: string;
  timezone: string;
  errorNames: Map<number, string>;
  errorCodes: Map<string, number>;
}

/** An error raised by the bridge itself, shaped like an engine exception. */
class BridgeError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

interface Summary {
  read_rows: string;
  read_bytes: string;
  written_rows: string;
  written_bytes: string;
  total_rows_to_read: string;
  result_rows: string;
  result_bytes: string;
  elapsed_ns: string;
}

function summaryOf(s: {
  readRows?: number;
  readBytes?: number;
  writtenRows?: number;
  writtenBytes?: number;
  resultRows?: number;
  resultBytes?: number;
  elapsedSeconds?: number;
}): Summary {
  const str = (n: number | undefined): string => String(Math.max(0, Math.round(n ?? 0)));
  return {
    read_rows: str(s.readRows),
    read_bytes: str(s.readBytes),
    written_rows: str(s.writtenRows),
    written_bytes: str(s.writtenBytes),
    total_rows_to_read: '0',
    result_rows: str(s.resultRows),
    result_bytes: str(s.resultBytes),
    elapsed_ns: str((s.elapsedSeconds ?? 0) * 1e9),
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export async function startChdbHttpBridge(opts: ChdbHttpBridgeOptions): Promise<ChdbHttpBridge> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    // Anyone who can connect gets full SQL access to the engine.
    throw new Error(`chdb HTTP bridge has no authentication; refusing to listen on ${host}`);
  }
  if (!opts.session.open) throw new Error('chdb HTTP bridge needs an open session');
  const dataPath = opts.session.path;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const engine = await readEngineInfo(opts.session);
  const slots = new Semaphore(MAX_CONCURRENT_QUERIES);
  const inFlight = new Set<Promise<void>>();

  const server: Server = createServer((req, res) => {
    const done = handleRequest(req, res, { dataPath, maxBodyBytes, engine, slots }).catch(
      (err: unknown) => {
        // Only reached for failures after the response started; the socket is
        // the only channel left to signal them.
        res.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  });
  // Longer than the client's default idle socket TTL (2.5 s), so the server never
  // closes a socket the client is about to reuse.
  server.keepAliveTimeout = 10_000;

  server.listen(opts.port ?? 0, host);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('unexpected server address');
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests already running own chdb connections; let them finish and
        // close those before the caller closes its session.
        await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}

async function readEngineInfo(session: Session): Promise<EngineInfo> {
  const info = await session.queryAsync(
    'SELECT version() AS version, timezone() AS timezone, ' +
      "arrayFilter(x -> x.2 != '', arrayMap(n -> (n, errorCodeToName(n)), range(2000))) AS errors",
    { format: 'JSONEachRow' },
  );
  const row = info.json<{ version: string; timezone: string; errors: [number, string][] }>();
  const errorNames = new Map<number, string>();
  const errorCodes = new Map<string, number>();
  for (const [code, name] of row.errors) {
    errorNames.set(code, name);
    errorCodes.set(name, code);
  }
  return { version: row.version, timezone: row.timezone, errorNames, errorCodes };
}

interface Context {
  dataPath: string;
  maxBodyBytes: number;
  engine: EngineInfo;
  slots: Semaphore;
}

interface ParsedRequest {
  queryParam: string | undefined;
  body: Buffer;
  params: Map<string, string>;
  settings: Map<string, string>;
  database: string | undefined;
  defaultFormat: string;
  queryId: string;
  waitEndOfQuery: boolean;
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://bridge');
  const queryId = url.searchParams.get('query_id') || randomUUID();
  const method = req.method ?? 'GET';

  if (url.pathname === '/ping' && (method === 'GET' || method === 'HEAD')) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
    return;
  }
  const responder = new Responder(req, res, url, queryId, ctx.engine);
  try {
    if (url.pathname !== '/') {
      throw new BridgeError('BAD_ARGUMENTS', `There is no handle ${url.pathname}`, 404);
    }
    if (method !== 'GET' && method !== 'POST') {
      throw new BridgeError('NOT_IMPLEMENTED', `HTTP method ${method} is not supported`, 405);
    }
    const parsed = await parseRequest(req, url, queryId, ctx.maxBodyBytes);
    if (method === 'GET' && parsed.queryParam === undefined && parsed.body.length === 0) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    // ClickHouse runs GET requests read-only; level 2 still lets them change settings.
    if (method === 'GET' && !parsed.settings.has('readonly')) parsed.settings.set('readonly', '2');
    await ctx.slots.run(() => execute(parsed, ctx, responder));
  } catch (err) {
    await responder.fail(err);
  }
}

async function parseRequest(
  req: IncomingMessage,
  url: URL,
  queryId: string,
  maxBodyBytes: number,
): Promise<ParsedRequest> {
  for (const flag of ['compress', 'decompress']) {
    if (url.searchParams.get(flag) === '1') {
      throw new BridgeError('NOT_IMPLEMENTED', `ClickHouse native compression (${flag}=1) is not supported`);
    }
  }
  let body = await readBody(req, maxBodyBytes);
  const entries: [string, string][] = [...url.searchParams.entries()];
  const contentType = req.headers['content-type'] ?? '';
  let queryParam = url.searchParams.get('query') ?? undefined;
  if (/^multipart\/form-data/i.test(contentType)) {
    // @clickhouse/client moves query_params too long for a URL into form parts.
    for (const part of parseMultipart(body, contentType)) {
      if (part.filename !== undefined) {
        throw new BridgeError('NOT_IMPLEMENTED', 'external tables (multipart file parts) are not supported');
      }
      if (part.name === 'query') queryParam = part.value.toString('utf8');
      else entries.push([part.name, part.value.toString('utf8')]);
    }
    body = Buffer.alloc(0);
  }

  const params = new Map<string, string>();
  const settings = new Map<string, string>();
  for (const [key, value] of entries) {
    if (key.startsWith('param_')) params.set(key.slice('param_'.length), value);
    else if (!HANDLER_PARAMS.has(key)) settings.set(key, value);
  }
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    queryParam,
    body,
    params,
    settings,
    database: url.searchParams.get('database') || header('x-clickhouse-database') || undefined,
    defaultFormat:
      url.searchParams.get('default_format') || header('x-clickhouse-format') || 'TabSeparated',
    queryId,
    waitEndOfQuery: url.searchParams.get('wait_end_of_query') === '1',
  };
}

async function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  let source: NodeJS.ReadableStream = req;
  if (encoding !== '' && encoding !== 'identity') {
    source = req.pipe(decompressorFor(encoding));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBodyBytes) {
        throw new BridgeError(
          'QUERY_IS_TOO_LARGE',
          `Request body exceeds the bridge limit of ${maxBodyBytes} bytes (after decompression)`,
          413,
        );
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof BridgeError) throw err;
    throw new BridgeError('CANNOT_DECOMPRESS', `Cannot read request body: ${String(err)}`, 400);
  }
  return Buffer.concat(chunks, size);
}

function decompressorFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd': {
      // Node 22.15+ only; typed loosely because @types/node may predate it.
      const z = zlib as unknown as { createZstdDecompress?: () => zlib.Gunzip };
      if (z.createZstdDecompress) return z.createZstdDecompress();
      break;
    }
  }
  throw new BridgeError('UNKNOWN_COMPRESSION_METHOD', `Unsupported Content-Encoding: ${encoding}`, 415);
}

interface MultipartPart {
  name: string;
  filename: string | undefined;
  value: Buffer;
}

function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined) throw new BridgeError('BAD_ARGUMENTS', 'multipart body without boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // The CRLF before the next delimiter belongs to the delimiter, not the value.
    const end = body.subarray(next - 2, next).toString() === '\r\n' ? next - 2 : next;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd === -1 || headerEnd > end) throw new BridgeError('BAD_ARGUMENTS', 'malformed multipart part');
    const headers = body.subarray(start, headerEnd).toString('utf8');
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) throw new BridgeError('BAD_ARGUMENTS', 'multipart part without a name');
    parts.push({ name, filename: /filename="([^"]*)"/i.exec(headers)?.[1], value: body.subarray(headerEnd + 4, end) });
    pos = next;
  }
  return parts;
}

// --- execution ---------------------------------------------------------------

async function execute(req: ParsedRequest, ctx: Context, out: Responder): Promise<void> {
  const conn = new Session(ctx.dataPath);
  try {
    const prelude = preludeSql(req);
    if (prelude !== '') await conn.queryAsync(prelude, { format: 'TabSeparated' });

    const insert = req.body.length > 0 ? rawInsertTarget(req.queryParam) : undefined;
    if (insert !== undefined) {
      // chdb's raw insert does not see settings SET on the connection; hand them over directly so
      // insert_deduplication_token and friends take effect.
      const result = await conn.insert({ ...insert, values: req.body, settings: Object.fromEntries(req.settings) });
      out.header({
        format: req.defaultFormat,
        summary: summaryOf({
          readRows: result.rowsWritten,
          readBytes: result.bytesSent,
          writtenRows: result.rowsWritten,
          writtenBytes: result.bytesWritten,
          elapsedSeconds: result.elapsed,
        }),
      });
      await out.finish();
      return;
    }

    const sql = queryText(req);
    if (sql.trim() === '') throw new BridgeError('SYNTAX_ERROR', 'Empty query', 400);
    const params = bindParams(sql, req.params);
    const format = trailingFormat(sql) ?? req.defaultFormat;
    if (isSelectLike(sql) && CONCATENABLE_FORMATS.has(format)) {
      await streamSelect(conn, sql, params, format, req.waitEndOfQuery, out);
      return;
    }
    const options = { format: req.defaultFormat };
    const result =
      params === undefined
        ? await conn.queryAsync(sql, options)
        : await conn.queryBindAsync(sql, params, options);
    const bytes = result.bytes();
    out.header({ format, summary: summaryOf({ readRows: result.rowsRead, readBytes: result.bytesRead, resultBytes: bytes.length, elapsedSeconds: result.elapsed }) });
    await out.write(bytes);
    await out.finish();
  } finally {
    conn.close();
  }
}

/** `SET` and `USE` for this request's connection, which nothing else shares. */
function preludeSql(req: ParsedRequest): string {
  const statements: string[] = [];
  const assignments: string[] = [];
  // A ClickHouse server quotes 64-bit integers in JSON by default; chdb does not. Match the server.
  if (!req.settings.has('output_format_json_quote_64bit_integers')) {
    assignments.push('output_format_json_quote_64bit_integers = 1');
  }
  for (const [name, value] of req.settings) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new BridgeError('UNKNOWN_SETTING', `Invalid setting name: ${JSON.stringify(name)}`, 404);
    }
    // URL settings arrive as text, as ClickHouse's HTTP handler receives them; a
    // string literal lets the engine parse the text by the setting's own type.
    assignments.push(`${name} = ${sqlString(value)}`);
  }
  if (assignments.length > 0) statements.push(`SET ${assignments.join(', ')}`);
  if (req.database !== undefined) statements.push(`USE ${sqlIdentifier(req.database)}`);
  return statements.join('; ');
}

function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function sqlIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

const SIMPLE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The shape @clickhouse/client sends for inserts, `INSERT INTO t (a, b) FORMAT X`
 * with the rows in the body, maps onto chdb's raw insert. Anything fancier goes
 * through the generic path as SQL text.
 */
function rawInsertTarget(
  queryParam: string | undefined,
): { table: string; columns?: string[]; format: 'JSONEachRow' } | undefined {
  if (queryParam === undefined) return undefined;
  const m =
    /^\s*INSERT\s+INTO\s+(?:TABLE\s+)?([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)\s*(?:\(([^()]*)\))?\s*FORMAT\s+([A-Za-z]+)\s*;?\s*$/i.exec(
      queryParam,
    );
  if (m === null) return undefined;
  const [, table, columnList, format] = m;
  if (table === undefined || format === undefined || !RAW_INSERT_FORMATS.has(format)) return undefined;
  let columns: string[] | undefined;
  if (columnList !== undefined) {
    columns = columnList.split(',').map((c) => c.trim().replace(/^([`"])(.*)\1$/, '$2'));
    if (!columns.every((c) => SIMPLE_IDENTIFIER.test(c))) return undefined;
  }
  // The whitelist above guarantees this is one of chdb's RawInsertFormat names.
  return { table, ...(columns ? { columns } : {}), format: format as 'JSONEachRow' };
}

/** ClickHouse appends the body to the `query` parameter, separated by a newline. */
function queryText(req: ParsedRequest): string {
  const body = req.body.toString('utf8');
  if (req.queryParam === undefined) return body;
  return body === '' ? req.queryParam : `${req.queryParam}\n${body}`;
}

function stripLeadingComments(sql: string): string {
  let s = sql;
  for (;;) {
    const next = s.replace(/^\s+/, '').replace(/^--[^\n]*(\n|$)/, '').replace(/^\/\*[\s\S]*?\*\//, '');
    if (next === s) return s;
    s = next;
  }
}

function isSelectLike(sql: string): boolean {
  return /^(SELECT|WITH|\()/i.test(stripLeadingComments(sql));
}

function trailingFormat(sql: string): string | undefined {
  return /\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*(?:SETTINGS\b[^;]*)?;?\s*$/i.exec(sql)?.[1];
}

async function streamSelect(
  conn: Session,
  sql: string,
  params: Record<string, string | null> | undefined,
  format: string,
  waitEndOfQuery: boolean,
  out: Responder,
): Promise<void> {
  const started = process.hrtime.bigint();
  const abort = new AbortController();
  out.onClientGone(() => abort.abort());
  const options = { format, signal: abort.signal };
  const stream: ChdbQueryStream =
    params === undefined ? conn.queryStream(sql, options) : conn.queryStreamBind(sql, params, options);
  const chunks = stream[Symbol.asyncIterator]();
  let rows = 0;
  let bytes = 0;
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    // Pull before answering so that errors the engine raises up front (unknown
    // table, bad parameter) still get a proper error status; with
    // wait_end_of_query=1 ClickHouse buffers everything, and so do we.
    const buffered: StreamChunk[] = [];
    let complete = false;
    while (waitEndOfQuery || bytes < STREAM_HOLD_BYTES) {
      const next = await chunks.next();
      if (next.done === true) {
        complete = true;
        break;
      }
      buffered.push(next.value);
      rows += next.value.numRows;
      bytes += next.value.numBytes;
    }
    out.header({
      format,
      summary: summaryOf({ readRows: rows, resultRows: rows, resultBytes: bytes, elapsedSeconds: elapsed() }),
      exceptionTag: !complete,
    });
    for (const chunk of buffered) await out.write(chunk.raw());
    if (!complete) {
      for (;;) {
        const next = await chunks.next();
        if (next.done === true) break;
        await out.write(next.value.raw());
      }
    }
    await out.finish();
  } finally {
    stream.cancel();
  }
}

/**
 * @clickhouse/client sends `param_*` values in ClickHouse's escaped text form
 * (`\t`, `\n`, `\\`, `\'`, `\N`), which is what the server's deserializeTextEscaped
 * reads. chdb's queryBind takes JS values and escapes strings itself, with the
 * TSV table only (`\\ \0 \b \f \n \r \t`), so the received text is decoded here
 * into the string whose re-escaping gives the engine the same value back. `\'`
 * has no such preimage: at top level it decodes to `'`, and inside a quoted
 * literal of an Array/Map/Tuple it becomes `''`, the other spelling of an escaped
 * quote there.
 */
function bindParams(
  sql: string,
  raw: Map<string, string>,
): Record<string, string | null> | undefined {
  if (raw.size === 0) return undefined;
  const types = new Map<string, string>();
  for (const m of sql.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g)) {
    if (m[1] !== undefined && m[2] !== undefined) types.set(m[1], m[2]);
  }
  const bound: Record<string, string | null> = {};
  for (const [name, value] of raw) {
    bound[name] = decodeParam(value, types.get(name) ?? 'String');
  }
  return bound;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function decodeParam(value: string, type: string): string | null {
  if (value === '\\N') return null;
  const inner = type.replace(/^(?:Nullable|LowCardinality)\(\s*/gi, '').trimStart();
  const composite = /^(Array|Map|Tuple|Nested|Variant|Dynamic|JSON|Object)\b/i.test(inner);
  let out = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '\\' && i + 1 < value.length) {
      const e = value.charAt(++i);
      if (e === "'") out += composite && quoted ? "''" : "'";
      else if (e === 'x' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
        out += String.fromCharCode(parseInt(value.slice(i + 1, i + 3), 16));
        i += 2;
      } else out += SIMPLE_ESCAPES[e] ?? e;
      continue;
    }
    if (composite && c === "'") quoted = !quoted;
    out += c;
  }
  return out;
}

// --- responses -----------------------------------------------------------------

class Responder {
  private sink: Writable | undefined;
  private exceptionTag: string | undefined;
  private compression: string | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    url: URL,
    private readonly queryId: string,
    private readonly engine: EngineInfo,
  ) {
    // ClickHouse compresses only when both the setting and the header ask for it.
    if (url.searchParams.get('enable_http_compression') === '1') {
      const accepted = String(req.headers['accept-encoding'] ?? '').toLowerCase();
      this.compression = ['gzip', 'deflate', 'br'].find((c) => accepted.includes(c));
    }
  }

  onClientGone(listener: () => void): void {
    this.res.on('close', () => {
      if (!this.res.writableFinished) listener();
    });
  }

  header(opts: { format: string; summary?: Summary; exceptionTag?: boolean }): void {
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[opts.format] ?? 'text/plain; charset=UTF-8',
      'X-ClickHouse-Query-Id': this.queryId,
      'X-ClickHouse-Format': opts.format,
      'X-ClickHouse-Timezone': this.engine.timezone,
      'X-ClickHouse-Server-Display-Name': 'chdb-http-bridge',
    };
    if (opts.summary) headers['X-ClickHouse-Summary'] = JSON.stringify(opts.summary);
    if (opts.exceptionTag) {
      this.exceptionTag = randomBytes(8).toString('hex');
      headers['X-ClickHouse-Exception-Tag'] = this.exceptionTag;
    }
    this.begin(200, headers);
  }

  private begin(status: number, headers: Record<string, string>): void {
    if (this.compression !== undefined) headers['Content-Encoding'] = this.compression;
    this.res.writeHead(status, headers);
    if (this.compression === undefined) {
      this.sink = this.res;
      return;
    }
    const compressor =
      this.compression === 'gzip'
        ? zlib.createGzip()
        : this.compression === 'deflate'
          ? zlib.createDeflate()
          : zlib.createBrotliCompress();
    compressor.on('error', (err) => this.res.destroy(err));
    compressor.pipe(this.res);
    this.sink = compressor;
  }

  async write(chunk: Uint8Array): Promise<void> {
    const sink = this.sink;
    if (sink === undefined) throw new Error('write before header');
    if (this.res.destroyed) throw new BridgeError('QUERY_WAS_CANCELLED', 'client went away');
    if (!sink.write(chunk)) {
      await Promise.race([once(sink, 'drain'), once(this.res, 'close')]);
    }
  }

  async finish(): Promise<void> {
    const sink = this.sink;
    if (sink === undefined || this.res.destroyed) return;
    sink.end();
    if (!this.res.writableFinished) await Promise.race([once(this.res, 'finish'), once(this.res, 'close')]);
  }

  async fail(err: unknown): Promise<void> {
    const { code, text, status } = this.describe(err);
    if (this.sink !== undefined) {
      // Headers are gone: use ClickHouse's in-stream exception block (25.11+),
      // which the client recognises by the tag it got in the headers.
      if (this.exceptionTag !== undefined && !this.res.destroyed) {
        const tag = this.exceptionTag;
        const message = text.trimEnd();
        await this.write(
          Buffer.from(
            `\r\n__exception__\r\n${tag}\n${message}\n${Buffer.byteLength(message) + 1} ${tag}\r\n__exception__\r\n`,
          ),
        );
        this.sink.end();
      } else {
        this.res.destroy(new Error(text));
      }
      return;
    }
    if (this.res.headersSent || this.res.destroyed) return;
    this.begin(status, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Query-Id': this.queryId,
      'X-ClickHouse-Exception-Code': String(code),
      'X-ClickHouse-Timezone': this.engine.timezone,
    });
    await this.write(Buffer.from(text));
    await this.finish();
  }

  private describe(err: unknown): { code: number; name: string; text: string; status: number } {
    const engine = this.engine;
    let message = err instanceof Error ? err.message : String(err);
    let code: number;
    let httpStatus: number | undefined;
    const m = /Code: (\d+)\./.exec(message);
    if (err instanceof BridgeError) {
      code = engine.errorCodes.get(err.errorName) ?? 1001;
      httpStatus = err.httpStatus;
    } else if (m?.[1] !== undefined) {
      code = Number(m[1]);
    } else {
      const chCode = (err as { clickhouseCode?: unknown } | null)?.clickhouseCode;
      code = typeof chCode === 'number' ? chCode : (engine.errorCodes.get('STD_EXCEPTION') ?? 1001);
    }
    const name = engine.errorNames.get(code) ?? 'UNKNOWN_EXCEPTION';
    if (m === null) message = `Code: ${code}. DB::Exception: ${message.replace(/\.?$/, '.')} (${name})`;
    // The client's parser needs the `(NAME)` marker; chdb's stream errors can lack it.
    else if (!/\([A-Z0-9_]*[A-Z]{3}[A-Z0-9_]*\)/.test(message)) message = `${message.trimEnd()} (${name})`;
    if (!message.includes('(version ')) message = `${message.trimEnd()} (version ${engine.version})`;
    const status = httpStatus ?? STATUS_BY_ERROR_NAME[name] ?? 500;
    return { code, name, text: `${message}\n`, status };
  }
}

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so a newcomer
    // can never slip in between and exceed the limit.
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
