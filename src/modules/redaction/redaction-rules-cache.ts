// An app's redaction rules for the ingest hot path: compiled once and kept in process for
// REDACTION_RULES_CACHE_TTL_MS, so a request asks Postgres nothing (one query per app per TTL, one
// at a time however many requests wait). A change made through this instance drops its entries at
// once; other ingest instances pick it up within the TTL.
import type { Config } from '../../config.ts';
import type { Db } from '../../infra/postgres.ts';
import { createRedactionRepository } from './redaction.repository.ts';
import { Redactor } from './redactor.ts';
import { specOf } from './redaction-rules.ts';

const MAX_ENTRIES = 100_000;

interface Entry {
  redactor: Redactor | undefined;
  expiresAtMs: number;
}

export class RedactionRulesCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Redactor | undefined>>();

  constructor(
    private readonly load: (orgId: string, appId: string) => Promise<Redactor | undefined>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The app's compiled rules; undefined when it has no enabled rule (the common case). */
  async redactorFor(orgId: string, appId: string): Promise<Redactor | undefined> {
    const entry = this.entries.get(appId);
    if (entry && entry.expiresAtMs > this.now()) return entry.redactor;
    let pending = this.loading.get(appId);
    if (!pending) {
      pending = this.fill(orgId, appId).finally(() => this.loading.delete(appId));
      this.loading.set(appId, pending);
    }
    return pending;
  }

  /** A rule changed: every app may be affected (org-wide rules), so forget them all. */
  clear(): void {
    this.entries.clear();
  }

  private async fill(orgId: string, appId: string): Promise<Redactor | undefined> {
    const redactor = await this.load(orgId, appId);
    if (this.ttlMs > 0) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(appId, { redactor, expiresAtMs: this.now() + this.ttlMs });
    }
    return redactor;
  }
}

export function createRedactionRulesCache(db: Db, config: Config): RedactionRulesCache {
  const repository = createRedactionRepository(db);
  return new RedactionRulesCache(async (orgId, appId) => {
    const rows = await repository.forIngest(orgId, appId);
    const redactor = new Redactor(rows.map(specOf), {
      hashKey: config.redaction.hashKey,
      orgId,
      maxScanCharsPerRecord: config.redaction.maxScanCharsPerRecord,
    });
    return redactor.ruleCount === 0 ? undefined : redactor;
  }, config.redaction.rulesCacheTtlMs);
}
