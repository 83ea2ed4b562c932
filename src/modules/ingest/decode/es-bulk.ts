import { splitLines } from './body-text.ts';
import type { BodyLine } from './body-text.ts';
import { IngestInputError, RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import { parseJsonText } from './json-body.ts';
import { parseJsonLine } from './ndjson-body.ts';
import { isPlainObject } from './raw-record.ts';
import type { DecodeResult } from './raw-record.ts';

export type BulkAction = 'index' | 'create' | 'delete' | 'update';

/** One item of a bulk request, in request order; `status` is final once decodeIngestBody returns. */
export interface BulkItem {
  readonly action: BulkAction;
  readonly index: string;
  /** The `_id` the shipper gave, else the row id once accepted; null for a rejected item without one. */
  id: string | null;
  /** 201 accepted, 400 rejected; 0 only while decoding. */
  status: number;
  error?: { readonly type: string; readonly reason: string };
}

export interface BulkDecodeResult extends DecodeResult {
  readonly bulkItems: BulkItem[];
}

const ACTIONS: ReadonlySet<string> = new Set(['index', 'create', 'delete', 'update']);

function badAction(line: BodyLine, why: string): IngestInputError {
  // Elasticsearch also fails the whole request here: without a valid action line it cannot know
  // whether the next line is a document or the next action.
  return new IngestInputError(400, 'invalid_bulk', `line ${line.lineNumber}: ${why}`);
}

function parseAction(line: BodyLine): { action: BulkAction; meta: Record<string, unknown> } {
  if (line.text === undefined) throw badAction(line, 'the action line is not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.text);
  } catch (err) {
    throw badAction(line, `malformed action line: ${(err as Error).message}`);
  }
  if (!isPlainObject(parsed)) throw badAction(line, 'malformed action line: expected an object');
  // The action comes first, as Elasticsearch reads it; later keys that are not actions are ignored
  // as Elasticsearch 8 ignores them (winston-elasticsearch's buffered writer adds `attempts`).
  const keys = Object.keys(parsed);
  const action = keys[0];
  if (action === undefined || !ACTIONS.has(action)) {
    throw badAction(line, `malformed action line: expected one of index, create, delete, update`);
  }
  if (keys.some((key, i) => i > 0 && ACTIONS.has(key))) {
    throw badAction(line, 'malformed action line: more than one action');
  }
  const meta = parsed[action];
  return { action: action as BulkAction, meta: isPlainObject(meta) ? meta : {} };
}

function idOf(meta: Record<string, unknown>): string | null {
  const id = meta['_id'];
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

/** One item of a bulk body and its document line, or the rejection it gets without one. */
export interface FramedBulkItem<L> {
  readonly item: BulkItem;
  readonly doc: L | RecordRejection;
}

/**
 * The items of a bulk body's non-blank lines: index/create take the next line as their document;
 * delete and update are failed items (MyLog is append-only), and update's document line is
 * consumed so that it is not read as an action. Throws (400, 413) as Elasticsearch refuses the
 * whole request. `text` reads a line for parseAction (the document lines are not read here).
 */
export function frameEsBulk<L>(
  lines: readonly L[],
  text: (line: L) => BodyLine,
  limits: IngestLimits,
  defaultIndex: string,
): FramedBulkItem<L>[] {
  const framed: FramedBulkItem<L>[] = [];
  let i = 0;
  while (i < lines.length) {
    const actionLine = text(lines[i++] as L);
    const { action, meta } = parseAction(actionLine);
    if (framed.length >= limits.maxRecordsPerRequest) {
      throw new IngestInputError(
        413,
        'too_many_records',
        `more than ${limits.maxRecordsPerRequest} items in one request`,
      );
    }
    const index = typeof meta['_index'] === 'string' ? meta['_index'] : defaultIndex;
    const item: BulkItem = { action, index, id: idOf(meta), status: 0 };
    if (action === 'delete' || action === 'update') {
      if (action === 'update') i++;
      framed.push({
        item,
        doc: new RecordRejection(
          'unsupported_bulk_action',
          `MyLog is append-only: the '${action}' action is not supported`,
        ),
      });
      continue;
    }
    const docLine = lines[i++];
    framed.push({
      item,
      doc:
        docLine ??
        new RecordRejection(
          'missing_document',
          `line ${actionLine.lineNumber}: '${action}' has no document line`,
        ),
    });
  }
  return framed;
}

/** An Elasticsearch `_bulk` body: index/create with their document line become records. */
export function decodeEsBulk(
  body: Buffer,
  limits: IngestLimits,
  defaultIndex = '',
): BulkDecodeResult {
  const lines = splitLines(body, limits.maxRecordsPerRequest * 2);
  const framed = frameEsBulk(lines, (line) => line, limits, defaultIndex);
  return {
    records: framed.map(({ doc }) => (doc instanceof RecordRejection ? doc : parseJsonLine(doc))),
    bulkItems: framed.map(({ item }) => item),
  };
}

/** What `PUT|POST /:index/_doc[/:id]` and `/:index/_create/:id` name: one document's target. */
export interface EsDocumentTarget {
  readonly action: 'index' | 'create';
  readonly index: string;
  readonly id: string | null;
}

/**
 * The body of the Elasticsearch index and create APIs: one JSON object, answered as a bulk of one
 * item so that the item carries the row id (or the rejection) back to the route.
 */
export function decodeEsDocument(text: string, target: EsDocumentTarget): BulkDecodeResult {
  const parsed = parseJsonText(text);
  if (!isPlainObject(parsed)) {
    throw new IngestInputError(400, 'invalid_body', 'the document must be a JSON object');
  }
  return {
    records: [{ source: 'json', fields: parsed }],
    bulkItems: [{ action: target.action, index: target.index, id: target.id, status: 0 }],
  };
}

function errorType(rejection: RecordRejection): string {
  return rejection.code === 'unsupported_bulk_action'
    ? 'illegal_argument_exception'
    : 'mapper_parsing_exception';
}

/** Settles an item once its record is known to be accepted (with its row id) or rejected. */
export function settleBulkItem(item: BulkItem, outcome: { id: string } | RecordRejection): void {
  if (outcome instanceof RecordRejection) {
    item.status = 400;
    item.error = { type: errorType(outcome), reason: outcome.error };
  } else {
    item.status = 201;
    item.id ??= outcome.id;
  }
}

/**
 * The body of Elasticsearch's bulk response, with the fields shippers read (Logstash and Vector look
 * at `errors` and each item's `status`; typed clients parse `_shards`, `_seq_no`, …).
 */
export function bulkResponseBody(
  items: readonly BulkItem[],
  tookMs: number,
): Record<string, unknown> {
  let errors = false;
  const out = items.map((item) => {
    if (item.status >= 300) {
      errors = true;
      return {
        [item.action]: { _index: item.index, _id: item.id, status: item.status, error: item.error },
      };
    }
    return {
      [item.action]: {
        _index: item.index,
        _id: item.id,
        _version: 1,
        result: 'created',
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: 0,
        _primary_term: 1,
        status: item.status,
      },
    };
  });
  return { took: Math.max(0, Math.round(tookMs)), errors, items: out };
}
