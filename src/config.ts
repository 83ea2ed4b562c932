// The only reader of process.env. Every variable is parsed and checked here, and every problem is
// reported at once, so a bad deployment fails at boot with one readable message.
import path from 'node:path';
import { PLAIN_IDENTIFIER } from './infra/clickhouse/cluster-ddl.ts';
import { parseHostPort, sentinelUrl, type HostPort } from './infra/redis-target.ts';

export const ROLES = ['api', 'ingest', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];
export const DURABILITY_MODES = ['fsync', 'replica', 'none'] as const;
export type IngestDurability = (typeof DURABILITY_MODES)[number];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DOCS_ACCESS = ['signed-in', 'public', 'off'] as const;
export type DocsAccess = (typeof DOCS_ACCESS)[number];

export interface Config {
  nodeEnv: string;
  isProduction: boolean;
  port: number;
  host: string;
  /** Public base URL used in redirects and examples (defaults to http://localhost:PORT). */
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  clickhouseUrl: string | undefined;
  clickhouseDatabase: string;
  /** CLICKHOUSE_CLUSTER: DDL ON CLUSTER, Replicated + Distributed tables (src/infra/clickhouse/cluster-ddl.ts). */
  clickhouseCluster: string | undefined;
  /** REDIS_URL, or `redis-sentinel://host:port,…/name` from REDIS_SENTINELS (see infra/redis-target.ts). */
  redisUrl: string | undefined;
  /** Prefix for every Redis key MyLog writes, so several deployments (or test files) can share a Redis. */
  redisKeyPrefix: string;
  roles: ReadonlySet<Role>;
  logLevel: LogLevel;
  sessionSecret: string | undefined;
  shutdownDeadlineMs: number;
  /** The server kills itself once its event loop has not turned for this long (0 = never): see src/infra/fatal-errors.ts. */
  eventLoopStallExitMs: number;
  readyzTimeoutMs: number;
  /** How long startup waits for a configured Redis before giving up with a clear message. */
  startupDependencyTimeoutMs: number;
  oidc: {
    issuer: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    redirectUri: string | undefined;
    roleClaim: string;
  };
  auth: {
    /** Mount the development IdP under /dev-idp: no OIDC_ISSUER and not production. */
    devIdpEnabled: boolean;
    /** Secure cookies whenever the public URL is https (TLS terminates at the ALB). */
    cookieSecure: boolean;
    sessionIdleTimeoutMs: number;
    sessionAbsoluteTimeoutMs: number;
    loginMaxAttemptsPerAccount: number;
    loginMaxAttemptsPerIp: number;
    /** Attempts on one account from every IP together; over it only IPs that signed in before may try. */
    loginMaxAttemptsPerAccountAllIps: number;
    /** How long a successful sign-in makes its IP "known" to the account (exempt from the line above). */
    loginKnownIpTtlMs: number;
    loginRateWindowMs: number;
    /** How long a started SSO login may take before its state/nonce/PKCE verifier are forgotten. */
    oidcLoginTimeoutMs: number;
    apiTokenMaxTtlDays: number;
    ingestKeyMaxRotationOverlapMs: number;
  };
  ingest: {
    durability: IngestDurability;
    replicaWaitTimeoutMs: number;
    maxBodyBytes: number;
    maxDecodedBodyBytes: number;
    maxRecordsPerRequest: number;
    maxMessageBytes: number;
    maxAttributes: number;
    maxAttributeKeyBytes: number;
    maxAttributeValueBytes: number;
    maxNestingDepth: number;
    maxPastSkewMs: number;
    maxFutureSkewMs: number;
    /** CPU time one request's (synchronous) decoding may take on the event loop; past it → 413. */
    decodeCpuBudgetMs: number;
    groupCommitWindowMs: number;
    groupCommitMaxRows: number;
    groupCommitMaxBytes: number;
    queueMaxDepth: number;
    keyCacheTtlMs: number;
    /**
     * Least time between two writes of one ingest key's last_used_at by one ingest instance: the
     * hot path records use in memory and writes at most once per key per interval, off the request.
     */
    keyLastUsedIntervalMs: number;
    /** Sealed group-commit batches being written to Redis at once; more wait their turn. */
    groupCommitMaxInFlightJobs: number;
    /** How often ingest instances read queue depth and Redis memory for the overload check. */
    overloadPollIntervalMs: number;
    /** Redis used_memory / maxmemory at or above which ingest answers 503 (when maxmemory is set). */
    redisMemoryMaxPercent: number;
    /** Retry-After sent with 503 overload answers. */
    overloadRetryAfterS: number;
    /** Token-bucket capacity as time at the app's rate: the burst an app may send at once. */
    rateLimitBurstMs: number;
    /** How long an ingest instance trusts its last reading of an app's tail subscriber count. */
    tailSubscriberCacheMs: number;
    /**
     * Bytes of just-queued payloads kept in memory for this process's own insert worker, which
     * then skips reading them back from Redis (0 = always read Redis). Durability is unchanged.
     */
    localPayloadMaxBytes: number;
    /** How long an ingest request waits for Redis to come back before answering 503. */
    redisWaitMs: number;
    /** A Redis command on the ingest path that gets no answer within this fails (503). */
    redisCommandTimeoutMs: number;
    /** How long an Idempotency-Key answers a retried batch with the first answer. */
    idempotencyWindowMs: number;
    /** How long a key stays held by a request that never finished (it crashed) before a retry may take it. */
    idempotencyPendingTtlMs: number;
  };
  search: {
    /** ClickHouse execution-time limit per search query; over it the API answers 422 query_too_expensive. */
    queryTimeoutMs: number;
    /** Uncompressed bytes one search query may read before it is refused (422 query_too_expensive). */
    maxBytesToRead: number;
    /** Exports have no row cap; this bounds how long one export may keep ClickHouse busy. */
    exportTimeoutMs: number;
    /** Field keys and top values are counted over at most this many of the newest rows in range. */
    facetSampleRows: number;
    /** Longest [from, to) a search, histogram, facet or export may cover; longer is a 400. */
    maxRangeMs: number;
    /** Most buckets one histogram answer may hold (auto intervals widen to stay under it). */
    histogramMaxBuckets: number;
    /** An export reads at most about this many rows per ClickHouse query (each query sorts its window). */
    exportWindowRows: number;
  };
  http: {
    /** A socket with no bytes either way for this long is closed (0 = never). */
    connectionTimeoutMs: number;
    /** A request's headers must arrive within this (408 otherwise). */
    headersTimeoutMs: number;
    /** A request's headers and body must arrive within this (408 otherwise); the answer may take longer. */
    requestTimeoutMs: number;
    /** Bodies of routes that need no credentials (sign-in) must arrive within this. */
    publicBodyTimeoutMs: number;
    keepAliveTimeoutMs: number;
    /** Requests one client IP may have in flight at once on routes that need no credentials. */
    maxPublicRequestsPerIp: number;
    /** Bearer token for GET /metrics from other hosts; without one only loopback callers get it. */
    metricsToken: string | undefined;
    /** Who may read GET /docs (the OpenAPI UI and document). */
    docsAccess: DocsAccess;
  };
  analytics: {
    /** Most points (buckets × series) one aggregate series answer may hold; more is a 400. */
    maxSeriesPoints: number;
    /** Most (bucket ×) group rows a rollup-served count reads before ordering them itself. */
    maxRollupGroups: number;
    /** How often each instance writes its per-tenant ingest counters to ClickHouse. */
    ingestStatsFlushIntervalMs: number;
  };
  worker: {
    /** Jobs one worker holds at once; the merger inserts the ones it holds together. */
    concurrency: number;
    /** A merged insert starts once it holds this many rows… */
    mergeTargetRows: number;
    /** …or this long after its first job arrived (added to the ingest → stored lag at low rates). */
    mergeMaxWaitMs: number;
    maxAttempts: number;
    backoffMs: number;
    /** Ceiling of the exponential backoff between attempts. */
    maxBackoffMs: number;
    /** A job whose worker stops renewing its lock (crash) goes back to the queue after this. */
    lockDurationMs: number;
    /** While ClickHouse is unreachable the worker pauses this long between probes; no attempt is used. */
    unavailableRetryMs: number;
  };
  tail: {
    /** Per socket: bytes queued for a client (unsent frames + held rows) before rows are dropped. */
    socketBufferBytes: number;
    /** Above this many matching rows a second, a tail query shows an even sample; 0 = every row. */
    maxRowsPerSecond: number;
    /** Rows are batched into one `logs` message per socket at most this often. */
    batchIntervalMs: number;
    /** WebSocket ping (and JSON `ping`) interval; a client with no pong between two pings is dropped. */
    pingIntervalMs: number;
    /** A socket without a subscription is closed after this long. */
    idleTimeoutMs: number;
    /** Open tail sockets per process; more are refused with 503 before the upgrade. */
    maxConnections: number;
    /** Rows a resume (`last_id`) may fill from ClickHouse before live rows take over. */
    resumeMaxRows: number;
    /** How long a resume waits for the rows it missed to be stored in ClickHouse. */
    resumeMaxWaitMs: number;
    ticketTtlMs: number;
    /** Life of this instance's subscriber lease per app; refreshed at a third of it. */
    leaseTtlMs: number;
    /** How often a subscription's scope (memberships, session, token) is checked again. */
    reauthIntervalMs: number;
    /** Browser origins allowed to open a tail socket: the public URL's plus TAIL_ALLOWED_ORIGINS. */
    allowedOrigins: readonly string[];
  };
  notifications: {
    /** SMTP server for email channels (smtp:// or smtps://); unset in development = the dev mail sink. */
    smtpUrl: string | undefined;
    /** From: of notification emails. */
    smtpFrom: string;
    /** Run the in-process SMTP sink (viewable at /dev-mail): development without SMTP_URL only. */
    devMailSink: boolean;
    /** Messages the dev mail sink keeps (oldest dropped first). */
    devMailMaxMessages: number;
    /** Attempts per delivery before it is dead-lettered (default covers a receiver down ~20 min). */
    deliveryMaxAttempts: number;
    deliveryBackoffMs: number;
    deliveryMaxBackoffMs: number;
    /** One HTTP or SMTP attempt; over it the attempt fails and is retried. */
    deliveryTimeoutMs: number;
    deliveryConcurrency: number;
    /** A delivery recorded but not queued (crash between commit and enqueue) is queued after this. */
    outboxSweepAfterMs: number;
    /** In-app notifications kept per user (older ones are deleted). */
    inAppMaxPerUser: number;
    /** Webhook/Slack URLs may point at loopback and private addresses (never in production: SSRF). */
    allowPrivateAddresses: boolean;
  };
  push: PushConfig;
  alerts: {
    /** How often the scheduler looks for rules whose period has come (bounds firing latency). */
    dispatchIntervalMs: number;
    evalConcurrency: number;
    /** An evaluation whose instance stops renewing its lock (kill -9) is re-run elsewhere after this. */
    evalLockMs: number;
    /** Evaluate data up to now minus this, so rows still in the ingest pipeline do not read as "resolved". */
    ingestLagMs: number;
    minEveryMs: number;
    maxWindowMs: number;
    /** ClickHouse time limit of one rule's query. */
    evalQueryTimeoutMs: number;
    /** Group-by instances one rule may track; more groups are dropped (largest values kept). */
    maxGroupsPerRule: number;
    maxRulesPerOrg: number;
    /** Flapping guard: more than N state changes within the last M evaluations. */
    flapMaxChanges: number;
    flapWindowEvals: number;
    historyRetentionDays: number;
    /** Fault injection for crash tests: pause inside the evaluation transaction (0 in production). */
    evalCommitDelayMs: number;
  };
  platformAlerts: {
    intervalMs: number;
    /** Oldest queued insert job older than this: ingest → stored lag alert. */
    ingestLagS: number;
    redisMemoryPercent: number;
    /** How long a dependency probe may take before it counts as unreachable. */
    probeTimeoutMs: number;
    heartbeatIntervalMs: number;
    /** An instance whose heartbeat is older than this (and that did not say goodbye) stopped reporting. */
    instanceSilentMs: number;
    /** Also email these addresses (comma-separated) besides the in-app notification to platform admins. */
    emailTo: readonly string[];
  };
  usage: {
    /** How often each instance writes its query, export and live-tail counters to ClickHouse. */
    flushIntervalMs: number;
    /** Query rows (search p95) one instance holds between flushes; older ones are dropped past it. */
    maxPendingQueries: number;
    /** How often the stored-bytes snapshot (part sizes apportioned per app and end user) is taken. */
    storageSnapshotIntervalMs: number;
    /** How often the scheduler samples ingest availability for the monthly report. */
    healthSampleIntervalMs: number;
    /** Share of an app's daily record quota at which its admins are warned (before the 429 at 100). */
    quotaWarnPercent: number;
    /** How often the scheduler compares today's usage with the quotas. */
    quotaCheckIntervalMs: number;
    /** Most rows one GET /v1/orgs/:org/usage page may ask for. */
    maxPageRows: number;
  };
  retention: {
    /** How often the retention cleanup applies each app's retention to stored rows (docs/data-lifecycle.md). */
    cleanupIntervalMs: number;
  };
  deletions: {
    /** How often the scheduler starts queued deletion requests and checks running ones. */
    pollIntervalMs: number;
    /** A running deletion not finished after this long is issued again (its DELETE is idempotent). */
    leaseMs: number;
    /** Issues of one deletion before it is marked failed. */
    maxAttempts: number;
    /** Queued or running deletion requests one org may have at once (each is a ClickHouse mutation). */
    maxOpenPerOrg: number;
    /** Queued requests one run of the runner starts (each a count, a usage insert and a DELETE). */
    startPerRun: number;
    /** Most requests one GET of a deletions list returns. */
    listMaxRows: number;
  };
  reports: {
    /** How often the scheduler checks whether a month's reports are due. */
    checkIntervalMs: number;
    /** Minutes after 00:00 UTC on the 1st at which the previous month's reports are made. */
    generateAfterMinutes: number;
    /** End users listed one by one in a report (the rest are summed into one line). */
    topEndUsers: number;
    /** How many months back a report may be asked for (POST /v1/orgs/:org/reports, the CLI). */
    maxMonthsBack: number;
  };
  audit: {
    /** Where the monthly audit export writes <chain>/<YYYY-MM>.ndjson; unset: no monthly export. */
    exportDir: string | null;
    /** How often the scheduler checks for finished months not yet exported. */
    exportCheckIntervalMs: number;
    /** Entries read from Postgres per query while an export streams. */
    exportBatchRows: number;
  };
  redaction: {
    /** Key of the `hash` action's HMAC (REDACTION_HASH_KEY, else SESSION_SECRET); mixed with the org id. */
    hashKey: string;
    /** Characters all rules together may scan in one record; a record needing more is rejected. */
    maxScanCharsPerRecord: number;
    /** How long an ingest instance uses an app's rules before reading them again. */
    rulesCacheTtlMs: number;
    /** Rules per org (org-wide) and per app. */
    maxRulesPerScope: number;
    /** Recent records a preview runs a draft rule over, at most. */
    previewSampleRows: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Collects problems instead of throwing at the first one. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.problems.push(`${name} is not a valid URL (got "${redact(value)}")`);
      return undefined;
    }
    if (!protocols.includes(parsed.protocol)) {
      this.problems.push(
        `${name} must use ${protocols.map((p) => p.replace(/:$/, '://')).join(' or ')} (got "${parsed.protocol}//…")`,
      );
      return undefined;
    }
    return value;
  }
}

/**
 * REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_NAME folded into the one `redis-sentinel://` URL
 * that the rest of MyLog passes around (src/infra/redis.ts opens both).
 */
function redisTarget(r: EnvReader): string | undefined {
  const url = r.url('REDIS_URL', ['redis:', 'rediss:']);
  const list = r.raw('REDIS_SENTINELS');
  if (list === undefined) return url;
  if (r.raw('REDIS_URL') !== undefined) {
    r.problems.push('set REDIS_URL or REDIS_SENTINELS, not both');
    return undefined;
  }
  const name = r.string('REDIS_SENTINEL_NAME', 'mymaster');
  const sentinels = list.split(',').map((s) => s.trim());
  const bad = sentinels.filter((s) => parseHostPort(s) === undefined);
  if (sentinels.length === 0 || bad.length > 0) {
    r.problems.push(`REDIS_SENTINELS must be host:port,host:port,… (got "${list}")`);
    return undefined;
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    r.problems.push(`REDIS_SENTINEL_NAME must be a plain name (got "${name}")`);
    return undefined;
  }
  return sentinelUrl(
    sentinels.map((s) => parseHostPort(s) as HostPort),
    name,
  );
}

/** Hides the password part of a URL so it never ends up in logs or error messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@/]*)@/, '//$1:***@');
}

const MiB = 1024 * 1024;

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const r = new EnvReader(env);
  const nodeEnv = r.string('NODE_ENV', 'development');
  const isProduction = nodeEnv === 'production';
  const port = r.int('PORT', 3000, 0, 65535);
  const host = r.string('HOST', isProduction ? '0.0.0.0' : '127.0.0.1');

  const rolesRaw = r.raw('MYLOG_ROLES');
  const roles = new Set<Role>();
  for (const role of (rolesRaw ?? ROLES.join(',')).split(',').map((s) => s.trim())) {
    if (role === '') continue;
    if ((ROLES as readonly string[]).includes(role)) roles.add(role as Role);
    else r.problems.push(`MYLOG_ROLES has an unknown role "${role}" (known: ${ROLES.join(', ')})`);
  }
  if (rolesRaw !== undefined && roles.size === 0) r.problems.push('MYLOG_ROLES names no role');

  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const clickhouseUrl = r.url('CLICKHOUSE_URL', ['http:', 'https:']);
  const redisUrl = redisTarget(r);
  const auditExportDir = r.raw('AUDIT_EXPORT_DIR');
  const sessionSecret = r.raw('SESSION_SECRET');
  if (isProduction) {
    for (const [name, value] of [
      ['DATABASE_URL', databaseUrl],
      ['CLICKHOUSE_URL', clickhouseUrl],
      ['REDIS_URL', redisUrl],
    ] as const) {
      const given = r.raw(name) ?? (name === 'REDIS_URL' ? r.raw('REDIS_SENTINELS') : undefined);
      if (value === undefined && given === undefined) {
        r.problems.push(
          `${name} is required when NODE_ENV=production (embedded services are for development)`,
        );
      }
    }
    if (sessionSecret === undefined)
      r.problems.push('SESSION_SECRET is required when NODE_ENV=production');
  }
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    r.problems.push('SESSION_SECRET must be at least 32 characters');
  }
  const clickhouseDatabase = r.string('CLICKHOUSE_DATABASE', 'mylog');
  if (!PLAIN_IDENTIFIER.test(clickhouseDatabase)) {
    r.problems.push(`CLICKHOUSE_DATABASE must be a plain identifier (got "${clickhouseDatabase}")`);
  }
  const clickhouseCluster = r.raw('CLICKHOUSE_CLUSTER') || undefined;
  if (clickhouseCluster !== undefined && !PLAIN_IDENTIFIER.test(clickhouseCluster)) {
    r.problems.push(`CLICKHOUSE_CLUSTER must be a plain identifier (got "${clickhouseCluster}")`);
  }
  if (clickhouseCluster !== undefined && clickhouseUrl === undefined) {
    r.problems.push(
      'CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL (the embedded ClickHouse is one node)',
    );
  }
  const redisKeyPrefix = r.string('REDIS_KEY_PREFIX', 'mylog');

  const config: Config = {
    nodeEnv,
    isProduction,
    port,
    host,
    publicUrl: (r.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(
      /\/$/,
      '',
    ),
    dataDir: path.resolve(cwd, r.string('MYLOG_DATA_DIR', '.mylog')),
    databaseUrl,
    clickhouseUrl,
    clickhouseDatabase,
    clickhouseCluster,
    redisUrl,
    redisKeyPrefix,
    roles,
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    sessionSecret,
    shutdownDeadlineMs: r.int('SHUTDOWN_DEADLINE_MS', 25_000, 1_000, 600_000),
    eventLoopStallExitMs: r.int('EVENT_LOOP_STALL_EXIT_MS', 30_000, 0, 3600_000),
    readyzTimeoutMs: r.int('READYZ_TIMEOUT_MS', 2_000, 100, 60_000),
    startupDependencyTimeoutMs: r.int('STARTUP_DEPENDENCY_TIMEOUT_MS', 15_000, 100, 600_000),
    oidc: {
      issuer: r.url('OIDC_ISSUER', ['http:', 'https:']),
      clientId: r.raw('OIDC_CLIENT_ID'),
      clientSecret: r.raw('OIDC_CLIENT_SECRET'),
      redirectUri: r.url('OIDC_REDIRECT_URI', ['http:', 'https:']),
      roleClaim: r.string('OIDC_ROLE_CLAIM', 'groups'),
    },
    auth: {
      devIdpEnabled: r.raw('OIDC_ISSUER') === undefined && !isProduction,
      cookieSecure: (r.raw('PUBLIC_URL') ?? '').startsWith('https:'),
      sessionIdleTimeoutMs: r.int('SESSION_IDLE_TIMEOUT_MS', 8 * 3600_000, 60_000),
      sessionAbsoluteTimeoutMs: r.int('SESSION_ABSOLUTE_TIMEOUT_MS', 7 * 24 * 3600_000, 60_000),
      loginMaxAttemptsPerAccount: r.int('LOGIN_MAX_ATTEMPTS_PER_ACCOUNT', 10, 1),
      loginMaxAttemptsPerIp: r.int('LOGIN_MAX_ATTEMPTS_PER_IP', 50, 1),
      loginMaxAttemptsPerAccountAllIps: r.int('LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_ALL_IPS', 100, 1),
      loginKnownIpTtlMs: r.int('LOGIN_KNOWN_IP_TTL_MS', 30 * 24 * 3600_000, 60_000),
      loginRateWindowMs: r.int('LOGIN_RATE_WINDOW_MS', 15 * 60_000, 1_000),
      oidcLoginTimeoutMs: r.int('OIDC_LOGIN_TIMEOUT_MS', 10 * 60_000, 10_000),
      apiTokenMaxTtlDays: r.int('API_TOKEN_MAX_TTL_DAYS', 365, 1, 3650),
      ingestKeyMaxRotationOverlapMs: r.int(
        'INGEST_KEY_MAX_ROTATION_OVERLAP_MS',
        7 * 24 * 3600_000,
        0,
      ),
    },
    ingest: {
      durability: r.oneOf(
        'INGEST_DURABILITY',
        DURABILITY_MODES,
        isProduction ? 'replica' : 'fsync',
      ),
      replicaWaitTimeoutMs: r.int('INGEST_REPLICA_WAIT_TIMEOUT_MS', 1_000, 1, 60_000),
      maxBodyBytes: r.int('INGEST_MAX_BODY_BYTES', 10 * MiB, 1024),
      maxDecodedBodyBytes: r.int('INGEST_MAX_DECODED_BODY_BYTES', 50 * MiB, 1024),
      maxRecordsPerRequest: r.int('INGEST_MAX_RECORDS_PER_REQUEST', 10_000, 1),
      maxMessageBytes: r.int('INGEST_MAX_MESSAGE_BYTES', 256 * 1024, 16),
      maxAttributes: r.int('INGEST_MAX_ATTRIBUTES', 256, 0),
      maxAttributeKeyBytes: r.int('INGEST_MAX_ATTRIBUTE_KEY_BYTES', 256, 1),
      maxAttributeValueBytes: r.int('INGEST_MAX_ATTRIBUTE_VALUE_BYTES', 16 * 1024, 1),
      maxNestingDepth: r.int('INGEST_MAX_NESTING_DEPTH', 8, 1, 64),
      maxPastSkewMs: r.int('INGEST_MAX_PAST_SKEW_MS', 7 * 24 * 3600_000, 0),
      maxFutureSkewMs: r.int('INGEST_MAX_FUTURE_SKEW_MS', 3600_000, 0),
      // CPU time: a 10,000-record body takes ~70-300 ms of it (bench/decode.bench.ts), up to ~1 s
      // with 60 attributes a record: the budget is a ceiling for hostile bodies, not a throttle
      // for big honest ones.
      decodeCpuBudgetMs: r.int('INGEST_DECODE_CPU_BUDGET_MS', 2_000, 10, 60_000),
      // Short: the window is most of a small request's latency, and job size no longer sets insert
      // size (the worker merges jobs). 50 → 10 ms took batch-100 senders from 26k to 62k records/s
      // and batch-1 from 1.1k to 3.5k (npm run bench:ingest, 16/64 senders).
      groupCommitWindowMs: r.int('INGEST_GROUP_COMMIT_WINDOW_MS', 10, 0, 5_000),
      groupCommitMaxRows: r.int('INGEST_GROUP_COMMIT_MAX_ROWS', 20_000, 1),
      groupCommitMaxBytes: r.int('INGEST_GROUP_COMMIT_MAX_BYTES', 16 * MiB, 1024),
      queueMaxDepth: r.int('INGEST_QUEUE_MAX_DEPTH', 5_000, 1),
      keyCacheTtlMs: r.int('INGEST_KEY_CACHE_TTL_MS', 30_000, 0),
      keyLastUsedIntervalMs: r.int('INGEST_KEY_LAST_USED_INTERVAL_MS', 60_000, 1),
      groupCommitMaxInFlightJobs: r.int('INGEST_GROUP_COMMIT_MAX_IN_FLIGHT_JOBS', 4, 1, 64),
      overloadPollIntervalMs: r.int('INGEST_OVERLOAD_POLL_INTERVAL_MS', 250, 10, 60_000),
      redisMemoryMaxPercent: r.int('INGEST_REDIS_MEMORY_MAX_PERCENT', 85, 1, 100),
      overloadRetryAfterS: r.int('INGEST_OVERLOAD_RETRY_AFTER_S', 5, 1, 3600),
      rateLimitBurstMs: r.int('INGEST_RATE_LIMIT_BURST_MS', 2_000, 100, 3600_000),
      tailSubscriberCacheMs: r.int('INGEST_TAIL_SUBSCRIBER_CACHE_MS', 1_000, 0, 60_000),
      localPayloadMaxBytes: r.int('INGEST_LOCAL_PAYLOAD_MAX_BYTES', 128 * MiB, 0),
      // Rides out a reconnect or a failover; an outage longer than this is a 503, not a hang.
      redisWaitMs: r.int('INGEST_REDIS_WAIT_MS', 2_000, 0, 60_000),
      // A big payload write with appendfsync always takes well under 100 ms on a healthy Redis.
      redisCommandTimeoutMs: r.int('INGEST_REDIS_COMMAND_TIMEOUT_MS', 5_000, 100, 60_000),
      // Retried batches of idempotent requests keep their (metadata-only) completed jobs this long.
      idempotencyWindowMs: r.int(
        'INGEST_IDEMPOTENCY_WINDOW_MS',
        15 * 60_000,
        1_000,
        7 * 86_400_000,
      ),
      idempotencyPendingTtlMs: r.int('INGEST_IDEMPOTENCY_PENDING_TTL_MS', 30_000, 1_000, 3600_000),
    },
    search: {
      queryTimeoutMs: r.int('SEARCH_QUERY_TIMEOUT_MS', 10_000, 100, 600_000),
      maxBytesToRead: r.int('SEARCH_MAX_BYTES_TO_READ', 20 * 1024 * MiB, 1024),
      exportTimeoutMs: r.int('SEARCH_EXPORT_TIMEOUT_MS', 3600_000, 1_000),
      facetSampleRows: r.int('SEARCH_FACET_SAMPLE_ROWS', 1_000_000, 1_000),
      maxRangeMs: r.int('SEARCH_MAX_RANGE_DAYS', 3660, 1, 36_600) * 86_400_000,
      histogramMaxBuckets: r.int('SEARCH_HISTOGRAM_MAX_BUCKETS', 2_000, 10, 100_000),
      exportWindowRows: r.int('SEARCH_EXPORT_WINDOW_ROWS', 500_000, 1, 100_000_000),
    },
    http: {
      connectionTimeoutMs: r.int('HTTP_CONNECTION_TIMEOUT_MS', 120_000, 0, 3600_000),
      headersTimeoutMs: r.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      requestTimeoutMs: r.int('HTTP_REQUEST_TIMEOUT_MS', 120_000, 100, 3600_000),
      publicBodyTimeoutMs: r.int('HTTP_PUBLIC_BODY_TIMEOUT_MS', 10_000, 100, 600_000),
      keepAliveTimeoutMs: r.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1_000, 600_000),
      maxPublicRequestsPerIp: r.int('HTTP_MAX_PUBLIC_REQUESTS_PER_IP', 32, 1, 100_000),
      metricsToken: r.raw('METRICS_TOKEN'),
      docsAccess: r.oneOf('DOCS_ACCESS', DOCS_ACCESS, 'signed-in'),
    },
    analytics: {
      maxSeriesPoints: r.int('ANALYTICS_MAX_SERIES_POINTS', 100_000, 100, 10_000_000),
      maxRollupGroups: r.int('ANALYTICS_MAX_ROLLUP_GROUPS', 100_000, 100, 10_000_000),
      ingestStatsFlushIntervalMs: r.int('INGEST_STATS_FLUSH_INTERVAL_MS', 10_000, 100, 600_000),
    },
    worker: {
      // Jobs held at once, merged into inserts of ~mergeTargetRows (src/modules/pipeline/
      // insert-merger.ts): enough to fill a merged insert from small jobs while the previous one
      // runs. Each job also waits on Redis (fsync-always) for BullMQ's own bookkeeping.
      concurrency: r.int('WORKER_CONCURRENCY', 32, 1, 256),
      mergeTargetRows: r.int('WORKER_MERGE_TARGET_ROWS', 20_000, 1),
      mergeMaxWaitMs: r.int('WORKER_MERGE_MAX_WAIT_MS', 250, 0, 10_000),
      maxAttempts: r.int('WORKER_MAX_ATTEMPTS', 12, 1, 1000),
      backoffMs: r.int('WORKER_BACKOFF_MS', 1_000, 1),
      maxBackoffMs: r.int('WORKER_MAX_BACKOFF_MS', 60_000, 1),
      lockDurationMs: r.int('WORKER_LOCK_DURATION_MS', 30_000, 500, 600_000),
      unavailableRetryMs: r.int('WORKER_UNAVAILABLE_RETRY_MS', 2_000, 10, 600_000),
    },
    tail: {
      socketBufferBytes: r.int('TAIL_SOCKET_BUFFER_BYTES', 4 * MiB, 16 * 1024, 256 * MiB),
      maxRowsPerSecond: r.int('TAIL_MAX_ROWS_PER_SECOND', 500, 0, 1_000_000),
      batchIntervalMs: r.int('TAIL_BATCH_INTERVAL_MS', 50, 5, 100),
      pingIntervalMs: r.int('TAIL_PING_INTERVAL_MS', 25_000, 100, 600_000),
      idleTimeoutMs: r.int('TAIL_IDLE_TIMEOUT_MS', 60_000, 100, 24 * 3600_000),
      maxConnections: r.int('TAIL_MAX_CONNECTIONS', 5_000, 1, 1_000_000),
      resumeMaxRows: r.int('TAIL_RESUME_MAX_ROWS', 5_000, 0, 1_000_000),
      resumeMaxWaitMs: r.int('TAIL_RESUME_MAX_WAIT_MS', 10_000, 0, 600_000),
      ticketTtlMs: r.int('TAIL_TICKET_TTL_MS', 30_000, 1_000, 3600_000),
      leaseTtlMs: r.int('TAIL_LEASE_TTL_MS', 30_000, 1_000, 3600_000),
      reauthIntervalMs: r.int('TAIL_REAUTH_INTERVAL_MS', 60_000, 1_000, 24 * 3600_000),
      allowedOrigins: [],
    },
    notifications: {
      smtpUrl: r.url('SMTP_URL', ['smtp:', 'smtps:']),
      smtpFrom: r.string('SMTP_FROM', 'MyLog <alerts@mylog.local>'),
      devMailSink: !isProduction && r.raw('SMTP_URL') === undefined,
      devMailMaxMessages: r.int('DEV_MAIL_MAX_MESSAGES', 200, 1, 10_000),
      deliveryMaxAttempts: r.int('NOTIFY_DELIVERY_MAX_ATTEMPTS', 16, 1, 1000),
      deliveryBackoffMs: r.int('NOTIFY_DELIVERY_BACKOFF_MS', 2_000, 1),
      deliveryMaxBackoffMs: r.int('NOTIFY_DELIVERY_MAX_BACKOFF_MS', 120_000, 1),
      deliveryTimeoutMs: r.int('NOTIFY_DELIVERY_TIMEOUT_MS', 10_000, 100, 600_000),
      deliveryConcurrency: r.int('NOTIFY_DELIVERY_CONCURRENCY', 8, 1, 256),
      outboxSweepAfterMs: r.int('NOTIFY_OUTBOX_SWEEP_AFTER_MS', 30_000, 100),
      inAppMaxPerUser: r.int('NOTIFY_IN_APP_MAX_PER_USER', 1_000, 10),
      allowPrivateAddresses:
        r.oneOf(
          'NOTIFY_ALLOW_PRIVATE_ADDRESSES',
          ['true', 'false'],
          isProduction ? 'false' : 'true',
        ) === 'true',
    },
    push: pushConfig(r, isProduction),
    alerts: {
      dispatchIntervalMs: r.int('ALERTS_DISPATCH_INTERVAL_MS', 1_000, 100, 60_000),
      // Evaluations wait on ClickHouse and Postgres more than on CPU: 1,000 rules every 1m on 10M
      // rows ran at 24-27 evaluations/s with 8 (warm periods; 15/s the first, cold one), at load
      // average ~25 on 2 CPUs (npm run bench:alerts); with 4, even 200 rules on 1M rows ran 9-12/s.
      evalConcurrency: r.int('ALERTS_EVAL_CONCURRENCY', 8, 1, 64),
      evalLockMs: r.int('ALERTS_EVAL_LOCK_MS', 30_000, 500, 600_000),
      ingestLagMs: r.int('ALERTS_INGEST_LAG_MS', 3_000, 0, 600_000),
      minEveryMs: r.int('ALERTS_MIN_EVERY_MS', 10_000, 1_000),
      maxWindowMs: r.int('ALERTS_MAX_WINDOW_MS', 24 * 3600_000, 1_000),
      evalQueryTimeoutMs: r.int('ALERTS_EVAL_QUERY_TIMEOUT_MS', 20_000, 100, 600_000),
      maxGroupsPerRule: r.int('ALERTS_MAX_GROUPS_PER_RULE', 100, 1, 10_000),
      maxRulesPerOrg: r.int('ALERTS_MAX_RULES_PER_ORG', 1_000, 1),
      flapMaxChanges: r.int('ALERTS_FLAP_MAX_CHANGES', 4, 1, 1000),
      flapWindowEvals: r.int('ALERTS_FLAP_WINDOW_EVALS', 10, 2, 1000),
      historyRetentionDays: r.int('ALERTS_HISTORY_RETENTION_DAYS', 400, 1),
      evalCommitDelayMs: r.int('ALERTS_EVAL_COMMIT_DELAY_MS', 0, 0, 60_000),
    },
    platformAlerts: {
      intervalMs: r.int('PLATFORM_ALERTS_INTERVAL_MS', 15_000, 100, 3600_000),
      ingestLagS: r.int('PLATFORM_ALERT_INGEST_LAG_S', 120, 1),
      redisMemoryPercent: r.int('PLATFORM_ALERT_REDIS_MEMORY_PERCENT', 80, 1, 100),
      probeTimeoutMs: r.int('PLATFORM_ALERT_PROBE_TIMEOUT_MS', 3_000, 50, 60_000),
      heartbeatIntervalMs: r.int('PLATFORM_HEARTBEAT_INTERVAL_MS', 10_000, 100, 600_000),
      instanceSilentMs: r.int('PLATFORM_ALERT_INSTANCE_SILENT_MS', 60_000, 200),
      emailTo: (r.raw('PLATFORM_ALERTS_EMAIL_TO') ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== ''),
    },
    usage: {
      flushIntervalMs: r.int('USAGE_FLUSH_INTERVAL_MS', 10_000, 100, 600_000),
      maxPendingQueries: r.int('USAGE_MAX_PENDING_QUERIES', 100_000, 100),
      storageSnapshotIntervalMs: r.int('USAGE_STORAGE_SNAPSHOT_INTERVAL_MS', 3600_000, 1_000),
      healthSampleIntervalMs: r.int('USAGE_HEALTH_SAMPLE_INTERVAL_MS', 60_000, 1_000),
      quotaWarnPercent: r.int('USAGE_QUOTA_WARN_PERCENT', 80, 1, 99),
      quotaCheckIntervalMs: r.int('USAGE_QUOTA_CHECK_INTERVAL_MS', 60_000, 1_000),
      maxPageRows: r.int('USAGE_MAX_PAGE_ROWS', 1_000, 1, 100_000),
    },
    retention: {
      cleanupIntervalMs: r.int('RETENTION_CLEANUP_INTERVAL_MS', 3600_000, 1_000, 7 * 86_400_000),
    },
    deletions: {
      pollIntervalMs: r.int('DELETIONS_POLL_INTERVAL_MS', 5_000, 100, 3600_000),
      leaseMs: r.int('DELETIONS_LEASE_MS', 30 * 60_000, 1_000),
      maxAttempts: r.int('DELETIONS_MAX_ATTEMPTS', 5, 1, 100),
      maxOpenPerOrg: r.int('DELETIONS_MAX_OPEN_PER_ORG', 20, 1, 10_000),
      startPerRun: r.int('DELETIONS_START_PER_RUN', 10, 1, 1_000),
      listMaxRows: r.int('DELETIONS_LIST_MAX_ROWS', 100, 1, 10_000),
    },
    reports: {
      checkIntervalMs: r.int('REPORTS_CHECK_INTERVAL_MS', 5 * 60_000, 100, 3600_000),
      generateAfterMinutes: r.int('REPORTS_GENERATE_AFTER_MINUTES', 5, 0, 24 * 60),
      topEndUsers: r.int('REPORTS_TOP_END_USERS', 100, 1, 10_000),
      maxMonthsBack: r.int('REPORTS_MAX_MONTHS_BACK', 120, 1, 1200),
    },
    audit: {
      exportDir: auditExportDir === undefined ? null : path.resolve(cwd, auditExportDir),
      exportCheckIntervalMs: r.int('AUDIT_EXPORT_CHECK_INTERVAL_MS', 60 * 60_000, 100, 86_400_000),
      exportBatchRows: r.int('AUDIT_EXPORT_BATCH_ROWS', 1000, 1, 100_000),
    },
    redaction: {
      hashKey: r.raw('REDACTION_HASH_KEY') ?? sessionSecret ?? 'mylog-development-redaction-key',
      maxScanCharsPerRecord: r.int('REDACTION_MAX_SCAN_CHARS_PER_RECORD', 4_000_000, 1_000),
      rulesCacheTtlMs: r.int('REDACTION_RULES_CACHE_TTL_MS', 5_000, 0, 300_000),
      maxRulesPerScope: r.int('REDACTION_MAX_RULES_PER_SCOPE', 50, 1, 1_000),
      previewSampleRows: r.int('REDACTION_PREVIEW_SAMPLE_ROWS', 200, 1, 10_000),
    },
  };
  config.tail.allowedOrigins = tailOrigins(config.publicUrl, r);

  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    r.problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  if (config.http.metricsToken !== undefined && config.http.metricsToken.length < 16) {
    r.problems.push('METRICS_TOKEN must be at least 16 characters');
  }
  if (config.oidc.issuer !== undefined && config.oidc.clientId === undefined) {
    r.problems.push('OIDC_CLIENT_ID is required when OIDC_ISSUER is set');
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** Web Push (src/modules/push). */
export interface PushConfig {
  /**
   * VAPID key pair (base64url, as `npx web-push generate-vapid-keys` prints). Unset in
   * production: Web Push is off. Unset elsewhere: generated once into the data directory.
   */
  vapidPublicKey: string | undefined;
  vapidPrivateKey: string | undefined;
  /** Contact the push services see in the VAPID token (mailto: or https:). */
  vapidSubject: string;
  /** Generate (and keep in dataDir) a key pair when none is configured: outside production. */
  generateDevKeys: boolean;
  /** Browsers (subscriptions) one user may register; the oldest is dropped beyond it. */
  maxSubscriptionsPerUser: number;
  /** How long a push service keeps an undelivered message for an offline device. */
  ttlSeconds: number;
  /** One request to a push service. */
  sendTimeoutMs: number;
  /** Push requests in flight at once for one notification. */
  sendConcurrency: number;
}

function pushConfig(r: EnvReader, isProduction: boolean): PushConfig {
  const vapidPublicKey = r.raw('VAPID_PUBLIC_KEY');
  const vapidPrivateKey = r.raw('VAPID_PRIVATE_KEY');
  if ((vapidPublicKey === undefined) !== (vapidPrivateKey === undefined)) {
    r.problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together or not at all');
  }
  for (const [name, value, bytes] of [
    ['VAPID_PUBLIC_KEY', vapidPublicKey, 65],
    ['VAPID_PRIVATE_KEY', vapidPrivateKey, 32],
  ] as const) {
    if (value !== undefined && Buffer.from(value, 'base64url').length !== bytes) {
      r.problems.push(`${name} must be ${bytes} bytes in base64url`);
    }
  }
  const vapidSubject = r.string('VAPID_SUBJECT', 'mailto:alerts@mylog.local');
  if (!/^(mailto:|https:\/\/)/.test(vapidSubject)) {
    r.problems.push(`VAPID_SUBJECT must be a mailto: or https:// URL (got "${vapidSubject}")`);
  }
  return {
    vapidPublicKey,
    vapidPrivateKey,
    vapidSubject,
    generateDevKeys: !isProduction,
    maxSubscriptionsPerUser: r.int('PUSH_MAX_SUBSCRIPTIONS_PER_USER', 10, 1, 1000),
    ttlSeconds: r.int('PUSH_TTL_SECONDS', 24 * 3600, 0, 28 * 24 * 3600),
    sendTimeoutMs: r.int('PUSH_SEND_TIMEOUT_MS', 10_000, 100, 600_000),
    sendConcurrency: r.int('PUSH_SEND_CONCURRENCY', 8, 1, 256),
  };
}

/** Origins (scheme://host[:port]) from PUBLIC_URL and the comma-separated TAIL_ALLOWED_ORIGINS. */
function tailOrigins(publicUrl: string, r: EnvReader): string[] {
  const origins = new Set([new URL(publicUrl).origin]);
  for (const item of (r.raw('TAIL_ALLOWED_ORIGINS') ?? '').split(',')) {
    const value = item.trim();
    if (value === '') continue;
    try {
      origins.add(new URL(value).origin);
    } catch {
      r.problems.push(`TAIL_ALLOWED_ORIGINS has an invalid origin "${value}"`);
    }
  }
  return [...origins];
}

export function hasRole(config: Config, role: Role): boolean {
  return config.roles.has(role);
}
