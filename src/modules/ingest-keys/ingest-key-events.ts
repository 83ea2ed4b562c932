// Cross-instance invalidation of the ingest path's key cache. Every change that can make a cached
// key resolution wrong (revoke, rotate, app update/delete, org disable) publishes each affected
// key hash on this channel after its transaction commits; every instance subscribes and drops the
// hash from its cache, so the next request re-resolves it with createIngestKeysRepository(db)
// .resolveByHash (which reports revoked/expired/orgDisabled and the key's expiresAt).
//
// Channel: `${config.redisKeyPrefix}:${INGEST_KEY_REVOKED_CHANNEL}` (see ingestKeyRevokedChannel).
// Message: JSON IngestKeyRevokedMessage, one per key hash.
//
// Subscribing (ingest side):
//   const sub = redis.duplicate();
//   await subscribeToIngestKeyRevocations(sub, config, (message) => cache.delete(message.key_hash));
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';

export const INGEST_KEY_REVOKED_CHANNEL = 'ingest-keys:revoked';

export type IngestKeyChangeReason =
  'revoked' | 'rotated' | 'app_updated' | 'app_deleted' | 'org_disabled';

export interface IngestKeyRevokedMessage {
  key_hash: string;
  key_id: string;
  app_id: string;
  org_id: string;
  reason: IngestKeyChangeReason;
}

export function ingestKeyRevokedChannel(config: Pick<Config, 'redisKeyPrefix'>): string {
  return `${config.redisKeyPrefix}:${INGEST_KEY_REVOKED_CHANNEL}`;
}

export async function publishIngestKeyChanges(
  redis: Redis,
  config: Pick<Config, 'redisKeyPrefix'>,
  messages: readonly IngestKeyRevokedMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  const channel = ingestKeyRevokedChannel(config);
  const pipeline = redis.pipeline();
  for (const message of messages) pipeline.publish(channel, JSON.stringify(message));
  await pipeline.exec();
}

/** `subscriber` must be a dedicated connection: a subscribed ioredis client runs no other commands. */
export async function subscribeToIngestKeyRevocations(
  subscriber: Redis,
  config: Pick<Config, 'redisKeyPrefix'>,
  onMessage: (message: IngestKeyRevokedMessage) => void,
): Promise<() => Promise<void>> {
  const channel = ingestKeyRevokedChannel(config);
  const listener = (received: string, payload: string): void => {
    if (received !== channel) return;
    try {
      onMessage(JSON.parse(payload) as IngestKeyRevokedMessage);
    } catch {
      // A malformed message must not take the subscriber down; the cache TTL still bounds staleness.
    }
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off('message', listener);
    await subscriber.unsubscribe(channel);
  };
}
