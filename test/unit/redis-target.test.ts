import t from 'tap';
import { loadConfig } from '../../src/config.ts';
import { parseSentinelUrl, sentinelUrl } from '../../src/infra/redis-target.ts';

t.test('REDIS_SENTINELS becomes one redis-sentinel:// target', async (t) => {
  const config = loadConfig({ REDIS_SENTINELS: 'a.example:26379, 10.0.0.2:26380' });
  t.equal(config.redisUrl, 'redis-sentinel://a.example:26379,10.0.0.2:26380/mymaster');
  t.same(parseSentinelUrl(config.redisUrl as string), {
    sentinels: [
      { host: 'a.example', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
    ],
    name: 'mymaster',
  });
  const named = loadConfig({ REDIS_SENTINELS: '[::1]:26379', REDIS_SENTINEL_NAME: 'logs' });
  t.equal(named.redisUrl, sentinelUrl([{ host: '::1', port: 26379 }], 'logs'));
  t.same(parseSentinelUrl(named.redisUrl as string)?.sentinels, [{ host: '::1', port: 26379 }]);
  t.equal(parseSentinelUrl('redis://localhost:6379'), undefined, 'a plain URL is not Sentinel');
  t.ok(
    loadConfig({
      NODE_ENV: 'production',
      REDIS_SENTINELS: 'r:26379',
      DATABASE_URL: 'postgres://db/mylog',
      CLICKHOUSE_URL: 'http://ch:8123',
      SESSION_SECRET: 'x'.repeat(32),
    }).redisUrl,
    'production accepts Sentinels instead of REDIS_URL',
  );
});

t.test('bad Sentinel settings are reported at boot', async (t) => {
  t.throws(() => loadConfig({ REDIS_SENTINELS: 'nohostport' }), /REDIS_SENTINELS must be/);
  t.throws(() => loadConfig({ REDIS_SENTINELS: 'h:99999' }), /REDIS_SENTINELS must be/);
  t.throws(
    () => loadConfig({ REDIS_SENTINELS: 'h:1', REDIS_URL: 'redis://x:6379' }),
    /REDIS_URL or REDIS_SENTINELS, not both/,
  );
  t.throws(
    () => loadConfig({ REDIS_SENTINELS: 'h:1', REDIS_SENTINEL_NAME: 'a b' }),
    /REDIS_SENTINEL_NAME/,
  );
});
