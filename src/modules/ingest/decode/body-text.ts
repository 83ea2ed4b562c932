import { isUtf8 } from 'node:buffer';
import { IngestInputError } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';

const BOM = 0xfeff;

function stripBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/** The whole body as text; a JSON document with invalid UTF-8 is unparseable → 400. */
export function bodyText(body: Buffer): string {
  if (!isUtf8(body)) throw new IngestInputError(400, 'invalid_utf8', 'the body is not valid UTF-8');
  return stripBom(body.toString('utf8'));
}

/** One line of a line-oriented body; `text` is undefined when that line is not valid UTF-8. */
export interface BodyLine {
  readonly text: string | undefined;
  /** 1-based, counting blank lines, for error messages. */
  readonly lineNumber: number;
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== BOM) return false;
  }
  return true;
}

/**
 * Non-blank lines of an NDJSON-like body. Invalid UTF-8 only spoils its own line. Lines may end
 * with \r\n. `maxLines` guards the record limit before any line is parsed.
 */
export function splitLines(body: Buffer, maxLines: number): BodyLine[] {
  const lines: BodyLine[] = [];
  const push = (text: string | undefined, lineNumber: number): void => {
    if (text !== undefined && isBlank(text)) return;
    if (lines.length >= maxLines) {
      throw new IngestInputError(
        413,
        'too_many_records',
        `more than ${maxLines} records in one request`,
      );
    }
    lines.push({ text, lineNumber });
  };
  if (isUtf8(body)) {
    const text = stripBom(body.toString('utf8'));
    let start = 0;
    let lineNumber = 1;
    for (;;) {
      const nl = text.indexOf('\n', start);
      push(text.slice(start, nl === -1 ? text.length : nl), lineNumber);
      if (nl === -1) break;
      start = nl + 1;
      lineNumber++;
    }
    return lines;
  }
  let start = 0;
  let lineNumber = 1;
  for (;;) {
    const nl = body.indexOf(0x0a, start);
    const line = body.subarray(start, nl === -1 ? body.length : nl);
    push(isUtf8(line) ? stripBom(line.toString('utf8')) : undefined, lineNumber);
    if (nl === -1) break;
    start = nl + 1;
    lineNumber++;
  }
  return lines;
}

export function tooManyRecords(limits: IngestLimits): IngestInputError {
  return new IngestInputError(
    413,
    'too_many_records',
    `more than ${limits.maxRecordsPerRequest} records in one request`,
  );
}
