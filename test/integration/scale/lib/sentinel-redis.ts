// A Redis primary, one replica and three Sentinels as real redis-server processes on loopback,
// for failover tests: kill -9 the primary, wait for the promotion, bring the old primary back
// (as its supervisor would) so that Sentinel turns it into the new primary's replica.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { findRedisServer } from '../../../../src/infra/embedded/embedded-redis.ts';
import { findFreePort } from '../../../../src/infra/embedded/process-state.ts';
import { sentinelUrl } from '../../../../src/infra/redis-target.ts';
import { reapWhenThisProcessExits } from '../../../helpers/reaper.ts';

export const MASTER_NAME = 'mymaster';
/** How long Sentinel waits before calling an unanswering primary down (kept short for tests). */
const DOWN_AFTER_MS = 1_000;

export interface SentinelRedis {
  /** `redis-sentinel://…/mymaster`, what REDIS_SENTINELS + REDIS_SENTINEL_NAME become. */
  url: string;
  /** REDIS_SENTINELS as an operator writes it. */
  sentinelsEnv: string;
  primaryPort(): Promise<number>;
  /** kill -9 of the current primary; resolves with its port. */
  killPrimary(): Promise<number>;
  /** Resolves with the new primary's port once the Sentinels agree it is not `oldPort`. */
  waitForPromotion(oldPort: number, timeoutMs: number): Promise<number>;
  /** Starts the killed server again on its port; Sentinel reconfigures it as a replica. */
  restart(port: number): Promise<void>;
  /** Resolves once the primary has `n` replicas online and in sync. */
  waitForReplicas(n: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSentinelRedis(dir: string): Promise<SentinelRedis> {
  const bin = findRedisServer();
  if (!bin) throw new Error('redis-server not found (scripts/ensure-system-deps.sh installs it)');
  const children = new Map<number, ChildProcess>();
  const start = (port: number, args: string[]): void => {
    const child = spawn(bin, args, { stdio: 'ignore' });
    child.on('error', () => undefined);
    reapWhenThisProcessExits([child.pid]);
    children.set(port, child);
  };
  const dataArgs = (port: number): string[] => {
    const d = path.join(dir, `redis-${port}`);
    fs.mkdirSync(d, { recursive: true });
    // Durability comes from the replica (INGEST_DURABILITY=replica), not the disk; a replica
    // that (re)joins syncs at once instead of after the default 5 s diskless-sync delay.
    return [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', d],
      ...['--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
      ...['--repl-diskless-sync-delay', '0'],
    ];
  };
  const [primary, replica, ...sentinels] = await uniquePorts(5);
  const primaryPort = primary as number;
  start(primaryPort, dataArgs(primaryPort));
  await until(() => ping(primaryPort), 10_000, 'the primary did not start');
  start(replica as number, [
    ...dataArgs(replica as number),
    '--replicaof',
    '127.0.0.1',
    String(primaryPort),
  ]);
  for (const port of sentinels) {
    const conf = path.join(dir, `sentinel-${port}.conf`);
    fs.writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${MASTER_NAME} 10000`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        '',
      ].join('\n'),
    );
    start(port, [conf, '--sentinel']);
  }
  const ask = async <T>(port: number, ...args: string[]): Promise<T> => {
    const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.call(args[0] as string, ...args.slice(1))) as T;
    } finally {
      c.disconnect();
    }
  };
  const masterPort = async (): Promise<number | undefined> => {
    for (const port of sentinels) {
      const addr = await ask<string[] | null>(
        port,
        'SENTINEL',
        'get-master-addr-by-name',
        MASTER_NAME,
      ).catch(() => null);
      if (addr) return Number(addr[1]);
    }
    return undefined;
  };
  const killed = new Map<number, string[]>();
  const self: SentinelRedis = {
    url: sentinelUrl(
      sentinels.map((port) => ({ host: '127.0.0.1', port })),
      MASTER_NAME,
    ),
    sentinelsEnv: sentinels.map((p) => `127.0.0.1:${p}`).join(','),
    async primaryPort() {
      const port = await masterPort();
      if (port === undefined) throw new Error('no Sentinel answered');
      return port;
    },
    async killPrimary() {
      const port = await self.primaryPort();
      const child = children.get(port);
      if (!child) throw new Error(`no process on :${port}`);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      killed.set(port, dataArgs(port));
      return port;
    },
    async waitForPromotion(oldPort, timeoutMs) {
      let port: number | undefined;
      await until(
        async () => {
          // Every Sentinel must know: a client may ask any of them.
          const seen = await Promise.all(
            sentinels.map((s) =>
              ask<string[] | null>(s, 'SENTINEL', 'get-master-addr-by-name', MASTER_NAME).catch(
                () => null,
              ),
            ),
          );
          const ports = new Set(seen.map((a) => (a ? Number(a[1]) : oldPort)));
          port = [...ports][0];
          return ports.size === 1 && port !== oldPort;
        },
        timeoutMs,
        'Sentinel promoted no replica',
      );
      return port as number;
    },
    async restart(port) {
      const args = killed.get(port);
      if (!args) throw new Error(`:${port} was not killed`);
      start(port, args);
      await until(() => ping(port), 10_000, `:${port} did not start again`);
    },
    async waitForReplicas(n, timeoutMs) {
      await until(
        async () => {
          const port = await masterPort();
          if (port === undefined) return false;
          const info = await ask<string>(port, 'INFO', 'replication').catch(() => '');
          const online = info.match(/^slave\d+:.*state=online/gm) ?? [];
          // The Sentinels must know the replicas too, or they could not promote one.
          const known = await ask<unknown[]>(
            sentinels[0] as number,
            'SENTINEL',
            'replicas',
            MASTER_NAME,
          ).catch(() => []);
          const peers = await ask<unknown[]>(
            sentinels[0] as number,
            'SENTINEL',
            'sentinels',
            MASTER_NAME,
          ).catch(() => []);
          return online.length >= n && known.length >= n && peers.length >= sentinels.length - 1;
        },
        timeoutMs,
        `the primary did not get ${n} replica(s) known to every Sentinel`,
      );
    },
    async stop() {
      await Promise.all(
        [...children.values()].map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          await exited;
        }),
      );
    },
  };
  return self;
}

async function ping(port: number): Promise<boolean> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function uniquePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await findFreePort());
  return [...ports];
}
