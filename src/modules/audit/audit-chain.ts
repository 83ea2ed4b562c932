// Recomputes the audit chains (migration 0011) in TypeScript from the stored columns, so the check
// does not trust the database's own hash function: a superuser who edits a row, or redefines the
// function, is caught at the first entry whose hash or link no longer matches.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../infra/postgres.ts';

/** The chain of entries without an org. */
export const PLATFORM_CHAIN = 'platform';

const chainKey = sql<string>`coalesce(org_id::text, 'platform')`;

/** The columns as the canonical text reads them, cast by Postgres's built-in casts. */
interface ChainRow {
  id: number;
  chain_seq: number;
  prev_hash: string | null;
  hash: string;
  at: string;
  org_id: string | null;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string | null;
  before: string | null;
  after: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
}

function field(value: string | null): string {
  return value === null ? '-;' : `${Buffer.byteLength(value, 'utf8')}:${value};`;
}

/** sha256 over the v1 canonical text, hex. Must match audit_log_entry_hash in migration 0011. */
export function entryHash(row: Omit<ChainRow, 'hash'>): string {
  const text =
    'v1;' +
    [
      row.prev_hash,
      String(row.chain_seq),
      String(row.id),
      row.at,
      row.org_id,
      row.actor_user_id,
      row.actor_token_id,
      row.actor_label,
      row.action,
      row.target_type,
      row.target_id,
      row.before,
      row.after,
      row.ip,
      row.user_agent,
      row.request_id,
    ]
      .map(field)
      .join('');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface BrokenLink {
  id: number | null;
  chain: string;
  chain_seq: number;
  reason: 'hash_mismatch' | 'link_mismatch' | 'sequence_gap' | 'missing_tail';
}

export type ChainVerdict =
  { ok: true; entries: number } | { ok: false; entries: number; first_broken: BrokenLink };

async function chainPage(db: Db, chain: string, afterSeq: number, limit: number) {
  const { rows } = await sql<ChainRow>`
    SELECT id, chain_seq, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash,
           to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
           org_id::text AS org_id, actor_user_id::text AS actor_user_id,
           actor_token_id::text AS actor_token_id, actor_label, action, target_type, target_id,
           before::text AS before, after::text AS after, ip, user_agent, request_id
    FROM audit_log
    WHERE ${chainKey} = ${chain} AND chain_seq > ${afterSeq}
    ORDER BY ${chainKey}, chain_seq
    LIMIT ${limit}`.execute(db);
  return rows;
}

/** Walks one chain in pages; stops at the first entry that does not hold. */
export async function verifyChain(db: Db, chain: string, pageSize = 2000): Promise<ChainVerdict> {
  let previous: { seq: number; hash: string | null } = { seq: 0, hash: null };
  let entries = 0;
  const broken = (id: number | null, seq: number, reason: BrokenLink['reason']): ChainVerdict => ({
    ok: false,
    entries,
    first_broken: { id, chain, chain_seq: seq, reason },
  });
  for (;;) {
    const rows = await chainPage(db, chain, previous.seq, pageSize);
    for (const row of rows) {
      if (row.chain_seq !== previous.seq + 1) {
        return broken(row.id, previous.seq + 1, 'sequence_gap');
      }
      if (row.prev_hash !== previous.hash) return broken(row.id, row.chain_seq, 'link_mismatch');
      if (entryHash(row) !== row.hash) return broken(row.id, row.chain_seq, 'hash_mismatch');
      previous = { seq: row.chain_seq, hash: row.hash };
      entries += 1;
    }
    if (rows.length < pageSize) break;
  }
  // Entries cut off the end leave the head row pointing past the last one still there.
  const head = await db
    .selectFrom('audit_chain_heads')
    .select(['seq', sql<string | null>`encode(hash, 'hex')`.as('hash')])
    .where('chain', '=', chain)
    .executeTakeFirst();
  if (head && (Number(head.seq) !== previous.seq || head.hash !== previous.hash)) {
    return broken(null, previous.seq + 1, 'missing_tail');
  }
  return { ok: true, entries };
}

/** Every chain there is (the heads, and any chain whose head row was removed), in a fixed order. */
export async function listChains(db: Db): Promise<string[]> {
  const { rows } = await sql<{ chain: string }>`
    SELECT chain FROM audit_chain_heads
    UNION SELECT DISTINCT ${chainKey} FROM audit_log
    ORDER BY chain`.execute(db);
  return rows.map((r) => r.chain);
}

/** All chains, or one org's; the first broken entry of the first broken chain. */
export async function verifyChains(db: Db, chains: string[]): Promise<ChainVerdict> {
  let entries = 0;
  for (const chain of chains) {
    const verdict = await verifyChain(db, chain);
    entries += verdict.entries;
    if (!verdict.ok) return { ...verdict, entries };
  }
  return { ok: true, entries };
}
