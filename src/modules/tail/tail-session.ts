// One socket's conversation: client messages in, scope checks, subscriptions through the hub and
// resume. Subscribe messages are handled one at a time, in order, so a quick change of filter can
// never leave a socket on an older subscription.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.ts';
import { AppError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { readableApps, type ReadableApp } from '../auth/authorize.ts';
import {
  compileQueryToPredicate,
  compileQueryToSql,
  parseQuery,
  QuerySyntaxError,
  type QueryNode,
} from '../search/query-language/index.ts';
import type { TailConnection } from './tail-connection.ts';
import type { TailHub } from './tail-hub.ts';
import { currentAuth, type TailIdentity } from './tail-identity.ts';
import {
  CLOSE,
  errorMessage,
  MAX_APPS_PER_SUBSCRIPTION,
  parseClientMessage,
  ProtocolError,
  type ClientMessage,
} from './tail-protocol.ts';
import type { TailRepository } from './tail.repository.ts';
import { uuidV7Ms } from './resume-point.ts';
import type { StoredWatermark } from './stored-watermark.ts';

/** Cross-instance clock skew tolerated when deciding which jobs a resume must wait for. */
const CLOCK_SKEW_MARGIN_MS = 250;

export interface TailSessionDeps {
  config: Config;
  db: Db;
  hub: TailHub;
  repository: TailRepository;
  watermark: StoredWatermark;
  log: FastifyBaseLogger;
}

type Subscribe = Extract<ClientMessage, { type: 'subscribe' }>;

export class TailSession {
  private queue: Promise<void> = Promise.resolve();
  /** Bumped by every subscribe/unsubscribe: a resume of an older subscription stops applying. */
  private generation = 0;

  constructor(
    private readonly deps: TailSessionDeps,
    readonly connection: TailConnection,
    private readonly identity: TailIdentity,
    /** Records the subscription in the audit log before any row flows (audit-reads.ts). */
    private readonly audit?: (apps: ReadableApp[], q: string) => Promise<void>,
  ) {}

  onMessage(text: string): void {
    let message: ClientMessage;
    try {
      message = parseClientMessage(text);
    } catch (error) {
      if (error instanceof ProtocolError) this.send(errorMessage(error.code, error.message));
      return;
    }
    switch (message.type) {
      case 'subscribe':
        this.serially(() => this.subscribe(message));
        break;
      case 'unsubscribe':
        this.serially(async () => {
          this.generation += 1;
          this.stop();
          this.send('{"type":"unsubscribed"}');
        });
        break;
      case 'pause':
        this.connection.paused = true;
        this.send('{"type":"paused"}');
        break;
      case 'resume':
        this.connection.paused = false;
        this.send('{"type":"resumed"}');
        break;
      case 'ping':
        this.send('{"type":"pong"}');
        break;
    }
  }

  /** The periodic scope check: memberships, session or token may have changed since. */
  recheck(): void {
    this.serially(async () => {
      const appIds = this.deps.hub.subscribedAppIds(this.connection);
      if (!appIds) return;
      const auth = await currentAuth(this.deps.db, this.identity);
      if (!auth) return this.unauthorized();
      try {
        await readableApps(this.deps.db, auth, { appRefs: appIds });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        this.generation += 1;
        this.stop();
        this.send(errorMessage('not_found', 'an app of this subscription is no longer readable'));
      }
    });
  }

  private serially(step: () => Promise<void>): void {
    this.queue = this.queue.then(step).catch((error: unknown) => {
      this.deps.log.error({ err: error }, 'tail: message handling failed');
      this.send(errorMessage('internal_error', 'internal server error'));
    });
  }

  private async subscribe(message: Subscribe): Promise<void> {
    const generation = ++this.generation;
    // The old filter ends here, whatever happens to the new one.
    this.stop();
    let ast: QueryNode;
    try {
      ast = parseQuery(message.q);
    } catch (error) {
      if (!(error instanceof QuerySyntaxError)) throw error;
      return this.send(
        errorMessage('invalid_query', error.message, {
          position: error.position,
          expected: error.expected,
          reason: error.reason,
        }),
      );
    }
    const auth = await currentAuth(this.deps.db, this.identity);
    if (!auth) return this.unauthorized();
    let apps: ReadableApp[];
    try {
      apps = await readableApps(this.deps.db, auth, { appRefs: message.apps });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return this.send(errorMessage(error.code, error.message));
    }
    if (apps.length === 0) return this.send(errorMessage('no_apps', 'there is no app to tail'));
    if (apps.length > MAX_APPS_PER_SUBSCRIPTION) {
      return this.send(
        errorMessage('too_many_apps', `name at most ${MAX_APPS_PER_SUBSCRIPTION} apps`),
      );
    }
    if (this.connection.closed || generation !== this.generation) return;
    await this.audit?.(apps, message.q);
    const appIds = apps.map((a) => a.id);
    this.connection.catchingUp = message.lastId !== undefined;
    await this.deps.hub.join(this.connection, appIds, message.q, compileQueryToPredicate(ast));
    const liveFromMs = Date.now();
    this.send(
      JSON.stringify({
        type: 'subscribed',
        apps: apps.map((a) => ({ id: a.id, slug: a.slug, org: a.orgSlug })),
        q: message.q,
        resume: message.lastId !== undefined,
        max_rows_per_second: this.deps.config.tail.maxRowsPerSecond,
      }),
    );
    if (message.lastId !== undefined) {
      const scope = { appIds, orgIds: [...new Set(apps.map((a) => a.orgId))] };
      // Outside the serial queue: the wait can take seconds, and a new filter must not queue behind it.
      const from = { lastId: message.lastId, seenIds: message.seenIds };
      void this.resume(generation, scope, from, ast, liveFromMs).catch((error: unknown) => {
        this.deps.log.error({ err: error }, 'tail: resume failed');
        if (generation !== this.generation) return;
        this.connection.catchingUp = false;
        this.send(errorMessage('resume_failed', 'could not fill the gap; live rows follow'));
      });
    }
  }

  private async resume(
    generation: number,
    scope: { appIds: string[]; orgIds: string[] },
    from: { lastId: string; seenIds: readonly string[] },
    ast: QueryNode,
    liveFromMs: number,
  ): Promise<void> {
    const { config, repository, watermark } = this.deps;
    // Rows ingest did not publish to us are those queued before our subscription was visible to
    // it: before now plus its subscriber-cache time. Wait until those are stored.
    const untilMs = liveFromMs + config.ingest.tailSubscriberCacheMs + CLOCK_SKEW_MARGIN_MS;
    const complete = await watermark.waitFor(untilMs, liveFromMs + config.tail.resumeMaxWaitMs);
    if (generation !== this.generation || this.connection.closed) return;
    const filter = compileQueryToSql(ast, { paramPrefix: 'q' });
    // Everything above the lowest id the client holds, except what it holds (resume-point.ts).
    const held = [...new Set([from.lastId, ...from.seenIds])];
    const after = { afterId: held.reduce((a, b) => (b < a ? b : a)), exceptIds: held };
    const fromMs = uuidV7Ms(after.afterId) - config.ingest.maxPastSkewMs;
    const limit = config.tail.resumeMaxRows;
    const rows = await repository.rowsAfter(scope, after, fromMs, filter, limit + 1);
    let skipped = 0;
    if (rows.length > limit) {
      skipped = (await repository.countAfter(scope, after, fromMs, filter)) - limit;
      rows.splice(0, rows.length - limit);
    }
    if (generation !== this.generation || this.connection.closed) return;
    if (skipped > 0) this.connection.dropRows(skipped, 'resume_limit');
    this.send(JSON.stringify({ type: 'backfill', rows: rows.length, complete }));
    this.connection.prependBackfill(rows);
    this.connection.catchingUp = false;
    this.connection.drain();
  }

  private stop(): void {
    this.deps.hub.leave(this.connection);
    this.connection.discardHeld();
    this.connection.catchingUp = false;
    this.connection.lastActiveMs = Date.now();
  }

  private unauthorized(): void {
    this.stop();
    this.send(errorMessage('unauthorized', 'the credential of this socket is no longer valid'));
    this.connection.socket.close(CLOSE.unauthorized, 'unauthorized');
  }

  private send(message: string): void {
    this.connection.sendText(message);
  }
}
