#!/usr/bin/env node
// Runs `mylog migrate` once per CodeDeploy deployment, however many green instances run
// AfterInstall at the same time. Migrations are idempotent and expand-only, so running twice is
// safe; the lock is there so that N instances do not race the same DDL against ClickHouse, and so
// the deployment log shows exactly one instance doing it.
//
// usage: node migrate-once.mjs <release dir> <deployment id>
// Plain JS (not TypeScript) because it runs from the artifact, where only production deps exist.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const [releaseDir, deploymentId] = process.argv.slice(2);
if (!releaseDir || !deploymentId) {
  console.error('usage: migrate-once.mjs <release dir> <deployment id>');
  process.exit(2);
}
const lockTtlMs = Number(process.env.MYLOG_MIGRATE_LOCK_TTL_MS ?? 15 * 60 * 1000);
const waitMs = Number(process.env.MYLOG_MIGRATE_WAIT_MS ?? 20 * 60 * 1000);
const lockKey = 'mylog:deploy:migrate-lock';
const doneKey = `mylog:deploy:${deploymentId}:migrated`;
const owner = `${hostname()}:${process.pid}`;

function migrate() {
  const cli = join(releaseDir, 'dist', 'src', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'migrate'], { cwd: releaseDir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`mylog migrate exited ${r.status ?? r.signal}`);
}

// Embedded/dev mode has no shared Redis: there is only this instance, so just migrate.
if (!process.env.REDIS_URL) {
  migrate();
  process.exit(0);
}

// ioredis comes from the release's production node_modules.
const { Redis } = await import('ioredis');
const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: true });
await redis.connect();
const release = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

try {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await redis.exists(doneKey)) {
      console.error(`migrations already applied for deployment ${deploymentId}`);
      break;
    }
    if ((await redis.set(lockKey, owner, 'PX', lockTtlMs, 'NX')) === 'OK') {
      try {
        console.error(`${owner} runs migrations for deployment ${deploymentId}`);
        migrate();
        await redis.set(doneKey, owner, 'EX', 7 * 24 * 3600);
      } finally {
        await redis.eval(release, 1, lockKey, owner);
      }
      break;
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for another instance to migrate');
    await sleep(2000);
  }
} finally {
  redis.disconnect();
}
