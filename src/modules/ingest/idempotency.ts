// Idempotency-Key on ingest: a client's batch id that makes a retried batch land once, end to end.
//
// One Redis string per (app, key), worth INGEST_IDEMPOTENCY_WINDOW_MS:
//   {"state":"pending","token","body"}            a request holds the key (claimed with SET NX)
//   {"state":"queued","job","body","outcome"}     written in the same MULTI as the batch's payload
// A queued marker counts only while its job exists: the batch writer keeps completed jobs of such
// batches for the window, and failed ones stay in the dead-letter set. So a marker whose job never
// reached the queue (Redis died between payload and job) lets the retry through instead of
// claiming rows that were never kept; one whose job exists replays the first answer.
import crypto from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import type { Config } from '../../config.ts';
import { AppError } from '../../infra/errors.ts';
import type { IdempotencyMarker } from '../pipeline/batch-writer.ts';
import { ingestJobKey } from '../pipeline/ingest-queue.ts';

type Marker =
  | { state: 'pending'; token: string; body: string }
  | { state: 'queued'; job: string; body: string; outcome: unknown };

const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

export function idempotencyRedisKey(
  config: Pick<Config, 'redisKeyPrefix'>,
  appId: string,
  key: string,
): string {
  const digest = crypto.createHash('sha256').update(key).digest('base64url');
  return `${config.redisKeyPrefix}:ingest-idempotency:${appId}:${digest}`;
}

// KEYS[1] the marker. ARGV[1] the value expected there ('' = none), ARGV[2] the new value,
// ARGV[3] its TTL in ms. Returns the value found when it was not the expected one.
const SWAP = `
local found = redis.call('GET', KEYS[1])
if (found or '') ~= ARGV[1] then return found or '' end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return false
`;
// KEYS[1] the marker, ARGV[1] the value it must still hold to be deleted.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mylogIdempotencySwap(
      key: string,
      expected: string,
      value: string,
      ttlMs: number,
    ): Result<string | null, Context>;
    mylogIdempotencyRelease(key: string, value: string): Result<number, Context>;
  }
}

export class IdempotencyError extends AppError {}

/** What a claim gives the request: go ahead (and bind or release later), or the first answer. */
export type Claim<T> =
  | { kind: 'claimed'; marker: IdempotencyMarker; release(): Promise<void> }
  | { kind: 'replay'; outcome: T };

export interface IdempotencyKeys {
  claim<T>(
    appId: string,
    key: string,
    fingerprint: string,
    outcome: () => T | undefined,
  ): Promise<Claim<T>>;
}

export function validIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY_SHAPE.test(value)) {
    throw new IdempotencyError(
      400,
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
    );
  }
  return value;
}

/** The request's identity under a key: route, index and body bytes, hashed. */
export function requestFingerprint(parts: readonly (string | Buffer | undefined)[]): string {
  const hash = crypto.createHash('sha256');
  for (const part of parts) hash.update(part ?? '').update('\0');
  return hash.digest('base64url');
}

export function createIdempotencyKeys(redis: Redis, config: Config): IdempotencyKeys {
  redis.defineCommand('mylogIdempotencySwap', { numberOfKeys: 1, lua: SWAP });
  redis.defineCommand('mylogIdempotencyRelease', { numberOfKeys: 1, lua: RELEASE });
  const { idempotencyWindowMs: windowMs, idempotencyPendingTtlMs: pendingMs } = config.ingest;
  const inUse = () =>
    new IdempotencyError(
      409,
      'idempotency_key_in_use',
      'a request with this Idempotency-Key is still being processed; retry later',
      undefined,
      { 'retry-after': '1' },
    );
  const reused = () =>
    new IdempotencyError(
      422,
      'idempotency_key_reused',
      'this Idempotency-Key was used for a different request',
    );

  return {
    async claim(appId, key, fingerprint, outcome) {
      const redisKey = idempotencyRedisKey(config, appId, key);
      const token = crypto.randomUUID();
      const pending = JSON.stringify({
        state: 'pending',
        token,
        body: fingerprint,
      } satisfies Marker);
      let expected = '';
      for (let attempt = 0; attempt < 3; attempt++) {
        const found = await redis.mylogIdempotencySwap(redisKey, expected, pending, pendingMs);
        if (found === null) {
          return {
            kind: 'claimed',
            marker: {
              key: redisKey,
              ttlMs: windowMs,
              valueFor: (job) =>
                JSON.stringify({
                  state: 'queued',
                  job,
                  body: fingerprint,
                  outcome: outcome(),
                } satisfies Marker),
            },
            release: async () => {
              await redis.mylogIdempotencyRelease(redisKey, pending).catch(() => undefined);
            },
          };
        }
        const marker = JSON.parse(found) as Marker;
        if (marker.body !== fingerprint) throw reused();
        if (marker.state === 'pending') throw inUse();
        if ((await redis.exists(ingestJobKey(config, marker.job))) === 1) {
          return { kind: 'replay', outcome: marker.outcome as never };
        }
        // Its job never reached the queue: nothing was kept, so this request takes the key over.
        expected = found;
      }
      throw inUse();
    },
  };
}
