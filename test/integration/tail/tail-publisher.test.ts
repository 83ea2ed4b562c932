// Ingest's "does this app have tail subscribers?" cache against a real Redis. A resuming tail waits
// for rows queued up to INGEST_TAIL_SUBSCRIBER_CACHE_MS after its lease was written, so an answer
// must not be trusted longer than that from when it was asked, however late a busy event loop
// reads the reply. And a closing instance's last publishes are not cut off.
import t from 'tap';
import { loadConfig } from '../../../src/config.ts';
import { createRedis } from '../../../src/infra/redis.ts';
import {
  createTailPublisher,
  tailChannel,
  tailSubscribersKey,
} from '../../../src/modules/ingest/tail-publisher.ts';
import { testRedisUrl, uniqueRedisPrefix } from '../../helpers/services.ts';

/** Holds the event loop, as a process at load average 12 does between a reply and its callback. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

const redisConfig = async (subscriberCacheMs: number) =>
  loadConfig({
    NODE_ENV: 'test',
    REDIS_URL: await testRedisUrl(),
    REDIS_KEY_PREFIX: uniqueRedisPrefix(),
    INGEST_TAIL_SUBSCRIBER_CACHE_MS: String(subscriberCacheMs),
  });

t.test('an answer counts from when it was asked', async (t) => {
  const config = await redisConfig(200);
  const redis = createRedis(config.redisUrl as string);
  t.teardown(() => redis.quit());
  await redis.ping();
  const publisher = createTailPublisher(redis, config);
  const appId = '00000000-0000-4000-8000-000000000001';
  const key = tailSubscribersKey(config, appId);

  const asked = publisher.hasSubscribers(appId);
  stall(400);
  t.equal(await asked, false, 'no lease yet');
  // A hub leases the app after the question was asked, and more than the cache time later.
  await redis.zadd(key, Date.now() + 10_000, 'hub-1');
  t.equal(await publisher.hasSubscribers(appId), true, 'asked again: the old answer is too old');

  await redis.zrem(key, 'hub-1');
  t.equal(await publisher.hasSubscribers(appId), true, 'within the cache time the answer stands');
  await new Promise((r) => setTimeout(r, 250));
  t.equal(await publisher.hasSubscribers(appId), false, 'and is asked again after it');

  t.equal(await publisher.publish(appId, Buffer.from('x')), false, 'nothing published unwatched');
});

t.test('a closing instance waits for its publishes before its Redis connection goes', async (t) => {
  const config = await redisConfig(0);
  const appId = '00000000-0000-4000-8000-000000000002';
  const subscriber = createRedis(config.redisUrl as string);
  t.teardown(() => subscriber.quit());
  const received: string[] = [];
  subscriber.on('message', (_channel: string, message: string) => received.push(message));
  await subscriber.subscribe(tailChannel(config, appId));
  const redis = createRedis(config.redisUrl as string);
  await redis.zadd(tailSubscribersKey(config, appId), Date.now() + 10_000, 'hub-1');
  const publisher = createTailPublisher(redis, config);

  // Two round trips (who subscribes, then the message): a quit sent between them would lose it.
  void publisher.publish(appId, Buffer.from('last rows'));
  await publisher.settled();
  await redis.quit();
  const deadline = Date.now() + 5_000;
  while (received.length === 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  t.same(received, ['last rows'], 'published before the connection closed');
});
