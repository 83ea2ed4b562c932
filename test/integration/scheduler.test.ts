import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config.ts';
import { createMetrics } from '../../src/infra/metrics.ts';
import { createRedis } from '../../src/infra/redis.ts';
import { scheduler } from '../../src/modules/scheduler/scheduler.plugin.ts';
import type { ScheduledTask } from '../../src/modules/scheduler/scheduled-tasks.ts';
import { testRedisUrl, uniqueRedisPrefix } from '../helpers/services.ts';

async function instance(t: Test, env: Record<string, string>, tasks: ScheduledTask[]) {
  const config = loadConfig(env);
  const redis = createRedis(config.redisUrl as string);
  const app = Fastify();
  app.decorate('config', config);
  app.decorate('redis', redis);
  app.decorate('metrics', createMetrics());
  await app.register(scheduler, { tasks });
  await app.ready();
  t.teardown(async () => {
    await app.close();
    redis.disconnect();
  });
  return app;
}

t.test('each task runs once per period however many scheduler instances there are', async (t) => {
  const env = {
    REDIS_URL: await testRedisUrl(),
    REDIS_KEY_PREFIX: uniqueRedisPrefix(),
    LOG_LEVEL: 'silent',
  };
  const ran: number[] = [];
  const task: ScheduledTask = {
    name: 'test.tick',
    everyMs: 400,
    async run() {
      ran.push(Date.now());
    },
  };
  const started = Date.now();
  await instance(t, env, [task]);
  await instance(t, env, [task]);
  await new Promise((r) => setTimeout(r, 2_100));
  const periods = (Date.now() - started) / task.everyMs;
  t.ok(ran.length >= 3, `ran ${ran.length} times in ${periods.toFixed(1)} periods`);
  t.ok(ran.length <= Math.ceil(periods) + 1, 'two instances did not double the runs');
});

t.test('a failing task is counted and does not stop the others', async (t) => {
  const env = {
    REDIS_URL: await testRedisUrl(),
    REDIS_KEY_PREFIX: uniqueRedisPrefix(),
    LOG_LEVEL: 'silent',
  };
  let good = 0;
  const app = await instance(t, env, [
    { name: 'test.fails', everyMs: 300, run: async () => Promise.reject(new Error('boom')) },
    { name: 'test.works', everyMs: 300, run: async () => void (good += 1) },
  ]);
  await new Promise((r) => setTimeout(r, 1_000));
  t.ok(good >= 2, 'the healthy task kept running');
  const metrics = await app.metrics.registry.metrics();
  t.match(metrics, /mylog_scheduled_task_runs_total\{task="test.fails",outcome="failed"\} [1-9]/);
  t.match(metrics, /mylog_scheduled_task_runs_total\{task="test.works",outcome="ok"\} [1-9]/);
});

t.test('an instance without the scheduler role schedules nothing', async (t) => {
  const env = {
    REDIS_URL: await testRedisUrl(),
    REDIS_KEY_PREFIX: uniqueRedisPrefix(),
    LOG_LEVEL: 'silent',
    MYLOG_ROLES: 'api,ingest,worker',
  };
  let runs = 0;
  await instance(t, env, [{ name: 'test.never', everyMs: 100, run: async () => void (runs += 1) }]);
  await new Promise((r) => setTimeout(r, 500));
  t.equal(runs, 0);
});
