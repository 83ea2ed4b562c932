// Removes payloads whose job was never created (the process died between writing the payload and
// adding its job). Those rows were never acknowledged, so dropping them claims nothing.
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import { ingestJobKey, jobIdCreatedAtMs, payloadKeyPattern } from './ingest-queue.ts';

/** Well above the time between the payload write and the job add of one batch. */
const ORPHAN_MIN_AGE_MS = 10 * 60_000;

export async function sweepOrphanPayloads(
  config: Config,
  redis: Redis,
  nowMs = Date.now(),
): Promise<number> {
  let removed = 0;
  const prefixLength = payloadKeyPattern(config).length - 1;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', payloadKeyPattern(config), 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const jobId = key.slice(prefixLength);
      const createdAt = jobIdCreatedAtMs(jobId);
      if (createdAt === undefined || nowMs - createdAt < ORPHAN_MIN_AGE_MS) continue;
      if ((await redis.exists(ingestJobKey(config, jobId))) === 0) removed += await redis.del(key);
    }
  } while (cursor !== '0');
  return removed;
}
