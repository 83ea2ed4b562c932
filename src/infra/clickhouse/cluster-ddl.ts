// The cluster form of the ClickHouse DDL, derived by code from the single-node statements in
// clickhouse/*.sql so there is one source and no hand-kept copy (docs/operations.md §9).
//
// Every MergeTree table `t` becomes
//   t_local: Replicated*MergeTree at /clickhouse/tables/{shard}/{database}/t_local, replica {replica}
//   t:       Distributed(cluster, currentDatabase(), t_local, <sharding key>)
// so the application keeps reading and writing `t` (now the Distributed table) unchanged, and a
// materialized view becomes a view on t_local writing into its target's local table: each shard
// aggregates the rows it stores. Every statement carries ON CLUSTER.

/** How long a replicated table remembers inserted blocks (and their deduplication tokens). */
export const REPLICATED_DEDUPLICATION_WINDOW_SECONDS = 7 * 24 * 3600;

export class ClusterDdlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterDdlError';
  }
}

const IDENT = '([A-Za-z_][A-Za-z0-9_]*)';
const MERGE_TREE_ENGINE =
  /^(|Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing|Graphite)MergeTree$/;
const COLUMN_COMMAND = /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i;

export function localTableName(table: string): string {
  return `${table}_local`;
}

/**
 * Where a statement that acts on a table's storage goes. Reads and inserts use the table's name on
 * either topology; a lightweight DELETE, ALTER … DROP PARTITION or a mutation cannot go through a
 * Distributed table, and system.parts on one node knows only that node's parts.
 */
export interface StorageTarget {
  /** `DELETE FROM ${table}${onCluster} WHERE …`, `ALTER TABLE ${table}${onCluster} DROP PARTITION …` */
  table: string;
  onCluster: string;
  /** The table name as system.parts lists it. */
  partsTable: string;
  /** A FROM clause listing the parts of one replica of every shard. */
  parts: string;
}

export function storageTarget(table: string, cluster: string | undefined): StorageTarget {
  if (cluster === undefined) return { table, onCluster: '', partsTable: table, parts: 'system.parts' };
  const name = assertClusterName(cluster);
  const local = localTableName(table);
  return { table: local, onCluster: ` ON CLUSTER ${name}`, partsTable: local, parts: `cluster('${name}', system.parts)` };
}

/** A ClickHouse name usable unquoted (database, cluster): checked where config or flags name one. */
export const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name usable unquoted in ON CLUSTER and Distributed(...). */
export function assertClusterName(name: string): string {
  if (!PLAIN_IDENTIFIER.test(name)) {
    throw new ClusterDdlError(`cluster name must be a plain identifier (got "${name}")`);
  }
  return name;
}

/**
 * Turns single-node statements into their cluster form, one migration file after another. It keeps
 * which names are sharded tables, since a later ALTER or view must know that `logs` means
 * logs_local for storage and the Distributed `logs` for columns.
 */
export class ClusterDdl {
  private readonly sharded = new Set<string>();
  private readonly onCluster: string;

  constructor(readonly cluster: string) {
    this.onCluster = `ON CLUSTER ${assertClusterName(cluster)}`;
  }

  transform(statement: string, source: string): string[] {
    const s = statement.trim();
    const createTable = new RegExp(`^CREATE\\s+TABLE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?${IDENT}\\s*\\(`, 'i').exec(s);
    if (createTable) return this.createTable(s, createTable, source);
    const mv = new RegExp(
      `^CREATE\\s+MATERIALIZED\\s+VIEW\\s+(IF\\s+NOT\\s+EXISTS\\s+)?${IDENT}\\s+TO\\s+${IDENT}\\s+AS\\s+`,
      'i',
    ).exec(s);
    if (mv) return [this.materializedView(s, mv, source)];
    const view = new RegExp(`^CREATE\\s+(OR\\s+REPLACE\\s+)?VIEW\\s+(IF\\s+NOT\\s+EXISTS\\s+)?${IDENT}`, 'i').exec(s);
    // A plain view reads through the Distributed tables, exactly as the application does.
    if (view) return [`${view[0]} ${this.onCluster}${s.slice(view[0].length)}`];
    const alter = new RegExp(`^ALTER\\s+TABLE\\s+${IDENT}\\s+`, 'i').exec(s);
    if (alter) return this.alterTable(s, alter, source);
    const drop = new RegExp(`^DROP\\s+(TABLE|VIEW)\\s+(IF\\s+EXISTS\\s+)?${IDENT}\\s*(SYNC)?$`, 'i').exec(s);
    if (drop) return this.drop(drop);
    // Data statements go through the Distributed tables, once, from the node the runner talks to.
    if (/^INSERT\s+INTO\s/i.test(s)) return [s];
    throw new ClusterDdlError(
      `${source}: no cluster form for "${s.slice(0, 80)}…"; teach src/infra/clickhouse/cluster-ddl.ts this statement`,
    );
  }

  private createTable(s: string, m: RegExpExecArray, source: string): string[] {
    const ifNotExists = m[1] ? 'IF NOT EXISTS ' : '';
    const table = m[2] as string;
    const open = m[0].length - 1;
    const close = matchingParen(s, open);
    const columns = s.slice(open, close + 1);
    const engine = /^\s*ENGINE\s*=\s*([A-Za-z]+)/i.exec(s.slice(close + 1));
    if (!engine || !MERGE_TREE_ENGINE.test(engine[1] as string)) {
      throw new ClusterDdlError(`${source}: ${table} must use a MergeTree-family engine in cluster mode`);
    }
    let rest = s.slice(close + 1 + engine[0].length);
    let args = '';
    if (/^\s*\(/.test(rest)) {
      const argsOpen = rest.indexOf('(');
      const argsClose = matchingParen(rest, argsOpen);
      args = rest.slice(argsOpen + 1, argsClose).trim();
      rest = rest.slice(argsClose + 1);
    }
    const local = localTableName(table);
    const replicated = `Replicated${engine[1]}('/clickhouse/tables/{shard}/{database}/${local}', '{replica}'${args ? `, ${args}` : ''})`;
    this.sharded.add(table);
    return [
      `CREATE TABLE ${ifNotExists}${local} ${this.onCluster}\n${columns}\nENGINE = ${replicated}${withDeduplicationWindow(rest)}`,
      `CREATE TABLE ${ifNotExists}${table} ${this.onCluster} AS ${local}\nENGINE = Distributed(${this.cluster}, currentDatabase(), ${local}, ${shardingKey(columns, rest, table, source)})`,
    ];
  }

  private materializedView(s: string, m: RegExpExecArray, source: string): string {
    const ifNotExists = m[1] ? 'IF NOT EXISTS ' : '';
    const view = m[2] as string;
    const target = m[3] as string;
    if (!this.sharded.has(target)) {
      throw new ClusterDdlError(`${source}: view ${view} writes to ${target}, which is not a table created before it`);
    }
    // Each shard's view sees only the blocks inserted into that shard's local table.
    const select = s
      .slice(m[0].length)
      .replace(new RegExp(`\\b(FROM|JOIN)(\\s+)${IDENT}\\b`, 'gi'), (whole, kw: string, gap: string, name: string) =>
        this.sharded.has(name) ? `${kw}${gap}${localTableName(name)}` : whole,
      );
    return `CREATE MATERIALIZED VIEW ${ifNotExists}${view} ${this.onCluster} TO ${localTableName(target)} AS\n${select}`;
  }

  private alterTable(s: string, m: RegExpExecArray, source: string): string[] {
    const table = m[1] as string;
    if (!this.sharded.has(table)) {
      throw new ClusterDdlError(`${source}: ALTER TABLE ${table}: not a table created by an earlier migration`);
    }
    const commands = splitTopLevel(s.slice(m[0].length), ',');
    const local = `ALTER TABLE ${localTableName(table)} ${this.onCluster} ${renameDeduplicationSetting(commands.join(', '))}`;
    // Columns live in both tables; indexes, settings, TTL and mutations only where the data is.
    const columnCommands = commands.filter((c) => COLUMN_COMMAND.test(c));
    if (columnCommands.length === 0) return [local];
    return [local, `ALTER TABLE ${table} ${this.onCluster} ${columnCommands.join(', ')}`];
  }

  private drop(m: RegExpExecArray): string[] {
    const name = m[3] as string;
    const head = `DROP ${(m[1] as string).toUpperCase()} ${m[2] ? 'IF EXISTS ' : ''}`;
    if (!this.sharded.has(name)) return [`${head}${name} ${this.onCluster} SYNC`];
    this.sharded.delete(name);
    return [`${head}${name} ${this.onCluster} SYNC`, `${head}${localTableName(name)} ${this.onCluster} SYNC`];
  }
}

/**
 * Single-node tables deduplicate only where a file asks for it (non_replicated_deduplication_window);
 * replicated tables deduplicate by default. Keep each table's behaviour: a table without a window
 * gets none (two instances flushing identical counter rows must both count), a table with one gets
 * the same block count, kept long enough that a dead-letter replay days later is still recognised.
 */
function withDeduplicationWindow(tail: string): string {
  const hasWindow = /\bnon_replicated_deduplication_window\b/.test(tail);
  const extra = hasWindow
    ? `replicated_deduplication_window_seconds = ${REPLICATED_DEDUPLICATION_WINDOW_SECONDS}`
    : 'replicated_deduplication_window = 0';
  const renamed = renameDeduplicationSetting(tail);
  return /\bSETTINGS\b/i.test(renamed) ? `${renamed}, ${extra}` : `${renamed}\nSETTINGS ${extra}`;
}

function renameDeduplicationSetting(sql: string): string {
  return sql.replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');
}

/**
 * A deterministic key, never rand(): a retried insert must send each row to the same shard as the
 * first attempt, or that shard's deduplication cannot recognise it. app_id keeps an app's rows (and
 * its rollups and usage rows, which the views write on the same shard) together and spreads tenants
 * evenly; tables without it shard by their sorting key, so rows a Summing/Replacing merge folds
 * stay together. Reads still ask every shard: rows written before a shard was added stay put.
 */
function shardingKey(columns: string, tail: string, table: string, source: string): string {
  const names = splitTopLevel(columns.slice(1, -1), ',')
    .map((def) => /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(def)?.[1] ?? '')
    .filter((n) => !/^(INDEX|PROJECTION|CONSTRAINT)$/i.test(n));
  if (names.includes('app_id')) return 'cityHash64(app_id)';
  const orderBy = /\bORDER\s+BY\s+/i.exec(tail);
  if (!orderBy) throw new ClusterDdlError(`${source}: ${table} has neither app_id nor ORDER BY to shard by`);
  const after = tail.slice(orderBy.index + orderBy[0].length);
  const key = after.startsWith('(') ? after.slice(1, matchingParen(after, 0)) : (/^[^\s]+/.exec(after)?.[0] ?? '');
  if (key.trim() === '' || /^tuple\(\)$/i.test(key.trim())) {
    throw new ClusterDdlError(`${source}: ${table} has no sorting key to shard by`);
  }
  return `cityHash64(${key.trim()})`;
}

/** Index of the parenthesis closing the one at `open`, skipping quoted strings and identifiers. */
export function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "'" || ch === '`' || ch === '"') {
      i = endOfQuoted(text, i);
    } else if (ch === '(') {
      depth += 1;
    } else if (ch === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  throw new ClusterDdlError(`unbalanced parentheses in: ${text.slice(open, open + 80)}`);
}

function endOfQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === quote) {
      if (text[i + 1] === quote) i += 1;
      else return i;
    }
  }
  throw new ClusterDdlError(`unterminated quote in: ${text.slice(start, start + 80)}`);
}

/** Splits on `separator` outside parentheses and quotes; parts are trimmed. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "'" || ch === '`' || ch === '"') i = endOfQuoted(text, i);
    else if (ch === '(' || ch === '[') depth += 1;
    else if (ch === ')' || ch === ']') depth -= 1;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(text.slice(from).trim());
  return parts.filter((p) => p !== '');
}
