// The page cursor: the (ts, id) of the last row served plus the window the first page resolved.
// Rows are ordered by (ts, id), a total order, and each page asks strictly past the last row, so
// rows arriving meanwhile can neither shift a page (no repeats) nor slide under it (no skips), as
// offsets would. Pinning the window keeps `now-15m` from moving while someone pages.
import { createHash } from 'node:crypto';
import { BadRequestError } from '../../infra/errors.ts';
import { UUID_PATTERN } from '../../infra/slug.ts';
import type { TimeRange } from './time-range.ts';

export type SortOrder = 'desc' | 'asc';

export interface SearchCursor {
  /** Nanoseconds of the last row served. */
  tsNs: bigint;
  id: string;
  range: TimeRange;
  order: SortOrder;
  /** Fingerprint of what was searched (q and apps): a cursor only continues its own search. */
  search: string;
}

interface CursorJson {
  v: 1;
  t: string;
  i: string;
  f: string;
  u: string;
  o: SortOrder;
  s: string;
}

/** A short fingerprint of the search a cursor belongs to. */
export function searchFingerprint(q: string | undefined, apps: string | undefined): string {
  return createHash('sha256')
    .update(`${q ?? ''}\u0000${apps ?? ''}`)
    .digest('base64url')
    .slice(0, 12);
}

export function encodeCursor(cursor: SearchCursor): string {
  const json: CursorJson = {
    v: 1,
    t: cursor.tsNs.toString(),
    i: cursor.id,
    f: cursor.range.fromNs.toString(),
    u: cursor.range.toNs.toString(),
    o: cursor.order,
    s: cursor.search,
  };
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

const INTEGER = /^-?\d{1,20}$/;

export function decodeCursor(text: string, search: string): SearchCursor {
  let json: Partial<CursorJson>;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<CursorJson>;
  } catch {
    throw invalid();
  }
  const { v, t, i, f, u, o, s } = json ?? {};
  if (
    v !== 1 ||
    typeof t !== 'string' ||
    typeof f !== 'string' ||
    typeof u !== 'string' ||
    !INTEGER.test(t) ||
    !INTEGER.test(f) ||
    !INTEGER.test(u) ||
    typeof i !== 'string' ||
    !UUID_PATTERN.test(i) ||
    (o !== 'asc' && o !== 'desc') ||
    typeof s !== 'string'
  ) {
    throw invalid();
  }
  if (s !== search) {
    throw new BadRequestError(
      'cursor_mismatch',
      'this cursor belongs to another search: send the same q and apps as for the first page',
    );
  }
  return {
    tsNs: BigInt(t),
    id: i.toLowerCase(),
    range: { fromNs: BigInt(f), toNs: BigInt(u) },
    order: o,
    search: s,
  };
}

function invalid(): BadRequestError {
  return new BadRequestError(
    'invalid_cursor',
    'cursor is not one this API issued; start again without it',
  );
}
