// The rehearsal's stand-in for RDS, ElastiCache and the ClickHouse cluster: one Postgres, one
// Redis and one ClickHouse (chdb behind its HTTP bridge) that outlive both blue and green, as the
// managed services do in AWS. Run as its own process; prints one JSON line with the URLs and
// serves until SIGTERM.
//   node --import tsx test/deploy/lib/shared-services.ts <dir>
import fs from 'node:fs';
import path from 'node:path';
import { startChdbHttpBridge } from '../../../src/infra/clickhouse/chdb-http-bridge.ts';
import { createChdbStore } from '../../../src/infra/clickhouse/chdb-store.ts';
import { startEmbeddedPostgres } from '../../../src/infra/embedded/embedded-postgres.ts';
import { startEmbeddedRedis } from '../../../src/infra/embedded/embedded-redis.ts';
import { reapWhenThisProcessExits } from '../../helpers/reaper.ts';

export interface SharedServiceUrls {
  databaseUrl: string;
  redisUrl: string;
  clickhouseUrl: string;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: shared-services.ts <dir>');
fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
fs.chmodSync(dir, 0o755);

const [postgres, redis] = await Promise.all([
  startEmbeddedPostgres({ dir: path.join(dir, 'postgres'), database: 'mylog', adopt: true }),
  startEmbeddedRedis({ dir: path.join(dir, 'redis'), adopt: true }),
]);
reapWhenThisProcessExits([postgres.pid, redis.pid]);
const store = createChdbStore({ dataDir: path.join(dir, 'chdb'), database: 'default' });
const bridge = await startChdbHttpBridge({
  session: store.bridgeSession(),
  host: '127.0.0.1',
  port: 0,
});

const urls: SharedServiceUrls = {
  databaseUrl: postgres.url,
  redisUrl: redis.url,
  clickhouseUrl: bridge.url,
};
process.stdout.write(`${JSON.stringify(urls)}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await bridge.close();
  await store.close();
  await redis.stop();
  await postgres.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// The test runner dying must not leave the services behind.
process.stdin.on('end', () => void stop());
process.stdin.resume();
