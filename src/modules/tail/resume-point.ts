// Where a live tail picks up after a reconnect (docs/tail-protocol.md, "Resume"). Row ids are UUIDv7
// from ingest's receive time, but rows reach a socket in publish order, which with several ingest
// instances is only roughly id order: a row can arrive after a newer one. Resuming strictly after
// the newest id would skip such a row. So a client names, besides its newest id, the ids it holds
// from a short window before it; the server re-reads that window and sends only what is missing.
// Pure: the web client, the tests and the server share it.

/** Ids one subscribe may list in `seen_ids`: 1,000 UUIDs are ~39 KB, inside the 64 KiB message cap. */
export const MAX_SEEN_IDS = 1_000;
/** How far back (by receive time) a client's `seen_ids` reach: past the time a request takes from
 * receipt to publish, so a row published late is still inside the re-read window. Ingest answers
 * within INGEST_REDIS_WAIT_MS plus two INGEST_REDIS_COMMAND_TIMEOUT_MS (12 s by default); only a
 * write that lands after its 503 publishes later than that. */
export const RESUME_OVERLAP_MS = 15_000;

/** UUIDv7 carries its creation time in the top 48 bits. */
export function uuidV7Ms(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

export interface ResumeFields {
  last_id?: string;
  seen_ids?: string[];
}

/** The ids a client holds near its newest, kept small: the newest `MAX_SEEN_IDS` within the window. */
export class ResumePoint {
  private ids: string[] = [];
  private newest: string | undefined;

  /** `lastId`: resume after this row even before any row arrives (the newest one on screen). */
  constructor(lastId?: string, held: Iterable<string> = []) {
    if (lastId !== undefined) this.note([lastId]);
    this.note(held);
  }

  note(ids: Iterable<string>): void {
    for (const id of ids) {
      this.ids.push(id);
      if (this.newest === undefined || id > this.newest) this.newest = id;
    }
    if (this.ids.length > 2 * MAX_SEEN_IDS) this.prune();
  }

  /** The resume part of a subscribe: nothing before the first row, else the newest id and the
   * ids held within the window. Every held id above the lowest one listed is listed too, so the
   * server may send whatever lies above that lowest id and is not listed. */
  fields(): ResumeFields {
    if (this.newest === undefined) return {};
    this.prune();
    return { last_id: this.newest, seen_ids: [...this.ids] };
  }

  private prune(): void {
    if (this.newest === undefined) return;
    const fromMs = uuidV7Ms(this.newest) - RESUME_OVERLAP_MS;
    const inWindow = [...new Set(this.ids)].filter((id) => uuidV7Ms(id) >= fromMs);
    this.ids = inWindow.sort().slice(-MAX_SEEN_IDS);
  }
}
