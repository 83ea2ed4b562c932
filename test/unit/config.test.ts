import t from 'tap';
import { ConfigError, loadConfig, redact } from '../../src/config.ts';

t.test('defaults run the embedded product', async (t) => {
  const config = loadConfig({}, '/srv/mylog');
  t.equal(config.port, 3000);
  t.equal(config.host, '127.0.0.1');
  t.equal(config.dataDir, '/srv/mylog/.mylog');
  t.equal(config.databaseUrl, undefined);
  t.equal(config.clickhouseUrl, undefined);
  t.equal(config.redisUrl, undefined);
  t.same([...config.roles], ['api', 'ingest', 'worker', 'scheduler']);
  t.equal(config.ingest.durability, 'fsync');
});

t.test('every problem is reported at once', async (t) => {
  const error = t.throws(() =>
    loadConfig({
      PORT: 'eighty',
      DATABASE_URL: 'not a url',
      REDIS_URL: 'http://wrong-scheme',
      MYLOG_ROLES: 'api,cooking',
      LOG_LEVEL: 'loud',
    }),
  ) as ConfigError;
  t.type(error, ConfigError);
  t.equal(error.problems.length, 5);
  t.match(error.message, /PORT must be a whole number/);
  t.match(error.message, /DATABASE_URL is not a valid URL/);
  t.match(error.message, /REDIS_URL must use redis:\/\/ or rediss:\/\//);
  t.match(error.message, /unknown role "cooking"/);
  t.match(error.message, /LOG_LEVEL must be one of/);
});

t.test('production refuses embedded services and a missing secret', async (t) => {
  const error = t.throws(() => loadConfig({ NODE_ENV: 'production' })) as ConfigError;
  t.match(error.message, /DATABASE_URL is required when NODE_ENV=production/);
  t.match(error.message, /SESSION_SECRET is required/);
  const ok = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://u:p@db:5432/mylog',
    CLICKHOUSE_URL: 'http://ch:8123',
    REDIS_URL: 'redis://cache:6379',
    SESSION_SECRET: 'x'.repeat(40),
  });
  t.equal(ok.host, '0.0.0.0');
  t.equal(ok.ingest.durability, 'replica');
});

t.test('roles select what an instance runs', async (t) => {
  const config = loadConfig({ MYLOG_ROLES: 'ingest, worker' });
  t.same([...config.roles].sort(), ['ingest', 'worker']);
});

t.test('URLs are redacted in messages', async (t) => {
  t.equal(redact('postgres://mylog:s3cret@db:5432/x'), 'postgres://mylog:***@db:5432/x');
  const error = t.throws(() =>
    loadConfig({ DATABASE_URL: 'postgres://u:hunter2@' }),
  ) as ConfigError;
  t.notMatch(error.message, /hunter2/);
});
