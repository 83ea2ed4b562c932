// Merges the jobs a worker holds at once into fewer, larger ClickHouse inserts.
//
// A job is one group-commit window: at 20k records/s in batches of 100 that is ~1k rows, and a
// chdb insert costs ~30 ms of CPU whatever its size (bench/lib/chdb-insert-probe.ts: 18-28 CPU
// µs/row at 2k rows per insert, 9-12 at 10k+). Inserting several jobs' payloads as one block cuts
// that fixed cost without making senders wait: they were answered when their job was durable.
//
// Exactly-once across merging: before inserting, the members are claimed for the group in Redis,
// atomically (claim:<job> = group id, group:<id> = the members in order). The group id is the
// insert's deduplication token, and a job is only ever inserted as part of its claimed group, so
// every retry (worker killed, insert refused, job replayed from the dead-letter queue) re-inserts
// the same bytes under the same token and ClickHouse drops the repeat. Payloads, claims and the
// group record are deleted together, in one DEL, only after the insert succeeded: a missing
// payload still means "stored".
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClickHouseStore } from '../../infra/clickhouse/store.ts';
import type { ClickHouseSettings } from '../../infra/clickhouse/store.ts';
import { LOGS_TABLE } from '../logs-table/logs-table.ts';
import { insertTargetOf, newJobId, type IngestJobData } from './ingest-queue.ts';
import type { LocalPayloads } from './local-payloads.ts';
import { ReusableBuffers, type ReusableBuffersOptions } from './reusable-buffers.ts';

// Merged inserts in flight at once are few (a batch is sealed at ~20,000 rows; the next fills while
// it is in ClickHouse): two kept buffers serve them, and one larger than this is not kept.
const INSERT_BUFFERS: ReusableBuffersOptions = {
  maxKept: 2,
  maxBytesKept: 32 * 1024 * 1024,
  capacityStep: 1024 * 1024,
};

export function insertSettings(token: string): ClickHouseSettings {
  return {
    insert_deduplication_token: token,
    // Without it a deduplicated block may still reach the rollup materialized view on some
    // ClickHouse versions and be counted twice; the rollup table keeps its own dedup window.
    deduplicate_blocks_in_dependent_materialized_views: 1,
  };
}

export interface MergedInsertResult {
  rows: number;
  /** The rows were already in ClickHouse: an earlier run inserted them and died before finishing. */
  alreadyStored: boolean;
}

export interface InsertMergerOptions {
  redis: Redis;
  clickhouse: ClickHouseStore;
  localPayloads?: LocalPayloads;
  /** Redis key prefix of the deployment (claims and group records live under it). */
  keyPrefix: string;
  /** A merged insert is started as soon as it holds this many rows. */
  targetRows: number;
  /** …or this long after its first job arrived. */
  maxWaitMs: number;
  /**
   * Set with INGEST_DURABILITY=replica: a group's claim must reach a replica before its insert, or
   * a failover right after the insert would forget the claim, and the jobs (still queued on the
   * promoted replica) would be inserted again under a new token.
   */
  replicaWaitTimeoutMs?: number;
  /** Called once per insert that reached ClickHouse, with its rows and duration. */
  onInsert?(rows: number, seconds: number): void;
}

interface Member {
  id: string;
  payloadKey: string;
  format: IngestJobData['format'];
  rows: number;
}

interface Entry {
  job: Job<IngestJobData>;
  resolve(result: MergedInsertResult): void;
  reject(error: unknown): void;
}

interface OpenBatch {
  entries: Entry[];
  rows: number;
  timer: NodeJS.Timeout;
}

// Claims every member for the group, or none when one is already claimed (by a run that lost its
// lock and a new one picked the job up): the caller then retries and follows the existing claim.
// KEYS: claim keys of the members, then the group key. ARGV: group id, members JSON.
const CLAIM_SCRIPT = `
for i = 1, #KEYS - 1 do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 1, #KEYS - 1 do redis.call('SET', KEYS[i], ARGV[1]) end
redis.call('SET', KEYS[#KEYS], ARGV[2])
return 1
`;

/** A member was claimed by another run between our read and our claim; the job retries. */
export class ClaimConflictError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was claimed by another insert group; retrying follows that claim`);
    this.name = 'ClaimConflictError';
  }
}

/** No replica acknowledged a claim in time (the replica is down or catching up): retry later. */
export class ClaimNotReplicatedError extends Error {
  constructor(groupId: string) {
    super(`no Redis replica acknowledged the claim of insert group ${groupId}`);
    this.name = 'ClaimNotReplicatedError';
  }
}

export class InsertMerger {
  private open: OpenBatch | undefined;
  private readonly buffers = new ReusableBuffers(INSERT_BUFFERS);

  constructor(private readonly options: InsertMergerOptions) {}

  /** Resolves once the job's rows are in ClickHouse (possibly with other jobs' rows). */
  submit(job: Job<IngestJobData>): Promise<MergedInsertResult> {
    return new Promise((resolve, reject) => {
      const batch = (this.open ??= {
        entries: [],
        rows: 0,
        timer: setTimeout(() => this.sealIf(batch), this.options.maxWaitMs),
      });
      batch.entries.push({ job, resolve, reject });
      batch.rows += job.data.rows;
      if (batch.rows >= this.options.targetRows) this.sealIf(batch);
    });
  }

  private sealIf(batch: OpenBatch): void {
    if (this.open !== batch) return;
    this.open = undefined;
    clearTimeout(batch.timer);
    void this.run(batch.entries);
  }

  private claimKey(jobId: string): string {
    return `${this.options.keyPrefix}:ingest-claim:${jobId}`;
  }

  private groupKey(groupId: string): string {
    return `${this.options.keyPrefix}:ingest-group:${groupId}`;
  }

  private async run(entries: Entry[]): Promise<void> {
    const { redis } = this.options;
    let claims: (string | null)[];
    try {
      claims = await redis.mget(entries.map((e) => this.claimKey(String(e.job.id))));
    } catch (error) {
      for (const e of entries) e.reject(error);
      return;
    }
    // Jobs already claimed by an earlier run redo that run's group; unclaimed
    // current-format jobs form one new group. A job queued by the previous version (no format)
    // is inserted alone under its own id, as that version's worker would: during a blue/green
    // deploy both workers may pick it up, and the same token makes that harmless.
    const byClaim = new Map<string, Entry[]>();
    const fresh = new Map<string, Entry[]>();
    entries.forEach((entry, i) => {
      const claim = claims[i];
      const [map, key] =
        claim !== null && claim !== undefined
          ? [byClaim, claim]
          : [fresh, entry.job.data.format === undefined ? String(entry.job.id) : 'current'];
      const group = map.get(key);
      if (group) group.push(entry);
      else map.set(key, [entry]);
    });
    await Promise.all([
      ...[...byClaim].map(([groupId, members]) =>
        this.settle(members, async () => {
          const stored = await this.redo(groupId);
          return () => stored;
        }),
      ),
      ...[...fresh.values()].map((members) =>
        this.settle(members, async () => {
          const stored = await this.insertNew(members);
          return (jobId) => stored.has(jobId);
        }),
      ),
    ]);
  }

  /** Runs `work`, then answers each entry with whether its rows had been stored before. */
  private async settle(
    entries: Entry[],
    work: () => Promise<(jobId: string) => boolean>,
  ): Promise<void> {
    try {
      const alreadyStored = await work();
      for (const e of entries) {
        e.resolve({ rows: e.job.data.rows, alreadyStored: alreadyStored(String(e.job.id)) });
      }
    } catch (error) {
      for (const e of entries) e.reject(error);
    }
  }

  /** A new group of unclaimed jobs. Resolves with the ids of jobs an earlier run had stored. */
  private async insertNew(entries: Entry[]): Promise<Set<string>> {
    const { redis, localPayloads } = this.options;
    const alreadyStored = new Set<string>();
    const payloads = entries.map((e) => localPayloads?.take(e.job.data.payloadKey) ?? null);
    const missing = entries.flatMap((e, i) => (payloads[i] === null ? [i] : []));
    if (missing.length > 0) {
      const read = await redis.mgetBuffer(
        missing.map((i) => entries[i]?.job.data.payloadKey as string),
      );
      missing.forEach((index, j) => (payloads[index] = read[j] ?? null));
    }
    // Only a successful insert deletes a payload: a job without one was stored by an earlier run.
    const members: Member[] = [];
    const bodies: Buffer[] = [];
    entries.forEach((e, i) => {
      const id = String(e.job.id);
      const payload = payloads[i];
      if (payload === null || payload === undefined) {
        alreadyStored.add(id);
        return;
      }
      members.push({
        id,
        payloadKey: e.job.data.payloadKey,
        format: e.job.data.format,
        rows: e.job.data.rows,
      });
      bodies.push(payload);
    });
    if (members.length === 0) return alreadyStored;
    // A group of one keeps the job id as its token, as an unmerged job always had.
    const groupId = members.length === 1 ? (members[0] as Member).id : `g${newJobId().slice(1)}`;
    const claimed = await redis.eval(
      CLAIM_SCRIPT,
      members.length + 1,
      ...members.map((m) => this.claimKey(m.id)),
      this.groupKey(groupId),
      groupId,
      JSON.stringify(members),
    );
    if (claimed !== 1) throw new ClaimConflictError((members[0] as Member).id);
    const { replicaWaitTimeoutMs } = this.options;
    if (replicaWaitTimeoutMs !== undefined) {
      // Not replicated yet: the job retries and follows the claim (redo), so nothing is lost.
      if ((await redis.wait(1, replicaWaitTimeoutMs)) < 1) {
        throw new ClaimNotReplicatedError(groupId);
      }
    }
    await this.insert(groupId, members, bodies);
    return alreadyStored;
  }

  /** Re-inserts a group an earlier run claimed. Resolves true when it had been stored already. */
  private async redo(groupId: string): Promise<boolean> {
    const { redis } = this.options;
    const record = await redis.get(this.groupKey(groupId));
    // Claims and the group record go in the same DEL as the payloads, after the insert.
    if (record === null) return true;
    const members = JSON.parse(record) as Member[];
    const bodies = await redis.mgetBuffer(members.map((m) => m.payloadKey));
    if (bodies.some((b) => b === null)) return true;
    await this.insert(groupId, members, bodies as Buffer[]);
    return false;
  }

  private async insert(groupId: string, members: Member[], bodies: Buffer[]): Promise<void> {
    const { redis, clickhouse } = this.options;
    const first = members[0] as Member;
    const body = bodies.length === 1 ? (bodies[0] as Buffer) : this.concatenated(bodies);
    const started = performance.now();
    await clickhouse.insertRaw(
      LOGS_TABLE,
      body,
      insertSettings(groupId),
      insertTargetOf(first.format),
    );
    // Only after a successful insert: one that failed may still be sending the bytes (HTTP).
    this.buffers.release(body);
    this.options.onInsert?.(
      members.reduce((n, m) => n + m.rows, 0),
      (performance.now() - started) / 1000,
    );
    await redis.del(
      ...members.map((m) => m.payloadKey),
      ...members.map((m) => this.claimKey(m.id)),
      this.groupKey(groupId),
    );
  }

  private concatenated(bodies: Buffer[]): Buffer {
    const body = this.buffers.lease(bodies.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of bodies) at += b.copy(body, at);
    return body;
  }
}
