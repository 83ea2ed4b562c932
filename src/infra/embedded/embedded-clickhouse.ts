import fs from 'node:fs';
import path from 'node:path';
import { startChdbHttpBridge } from '../clickhouse/chdb-http-bridge.ts';
import { createChdbStore } from '../clickhouse/chdb-store.ts';
import { createHttpStore } from '../clickhouse/http-store.ts';
import type { ClickHouseStore } from '../clickhouse/store.ts';
import { EmbeddedServiceError } from './embedded-service.ts';
import { isAlive, readJson, writeJson } from './process-state.ts';

interface ClickHouseOwner {
  ownerPid: number;
  /** Where the owner serves ClickHouse's HTTP protocol for other processes (the CLI, a second instance). */
  bridgeUrl?: string;
}

export interface EmbeddedClickHouse {
  store: ClickHouseStore;
  /** Set when this process owns the engine and serves it to others. */
  bridgeUrl?: string;
  close(): Promise<void>;
}

/**
 * chdb binds a data directory to one process. The first process to open it owns the engine and,
 * when `serve` is set, exposes it on a loopback HTTP bridge; any other process on the same data
 * directory talks to that bridge with the ordinary HTTP client.
 */
export async function openEmbeddedClickHouse(options: {
  dir: string;
  database: string;
  serve: boolean;
  log?: (message: string) => void;
}): Promise<EmbeddedClickHouse> {
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const ownerFile = path.join(options.dir, 'owner.json');
  const owner = readJson<ClickHouseOwner>(ownerFile);
  if (owner && owner.ownerPid !== process.pid && isAlive(owner.ownerPid)) {
    if (!owner.bridgeUrl) {
      throw new EmbeddedServiceError(
        `The embedded ClickHouse in ${options.dir} is in use by process ${owner.ownerPid} (a mylog command?). Try again when it ends.`,
      );
    }
    options.log?.(
      `embedded clickhouse: using the engine of process ${owner.ownerPid} at ${owner.bridgeUrl}`,
    );
    const store = createHttpStore({ url: owner.bridgeUrl, database: options.database });
    return { store, close: () => store.close() };
  }

  const store = createChdbStore({
    dataDir: path.join(options.dir, 'data'),
    database: options.database,
  });
  let bridge: Awaited<ReturnType<typeof startChdbHttpBridge>> | undefined;
  if (options.serve)
    bridge = await startChdbHttpBridge({
      session: store.bridgeSession(),
      host: '127.0.0.1',
      port: 0,
    });
  writeJson(ownerFile, { ownerPid: process.pid, bridgeUrl: bridge?.url } satisfies ClickHouseOwner);
  options.log?.(`embedded clickhouse: chdb in-process${bridge ? `, bridge at ${bridge.url}` : ''}`);
  return {
    store,
    bridgeUrl: bridge?.url,
    async close() {
      await bridge?.close();
      await store.close();
      const current = readJson<ClickHouseOwner>(ownerFile);
      if (current?.ownerPid === process.pid) fs.rmSync(ownerFile, { force: true });
    },
  };
}
