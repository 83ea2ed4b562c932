import { splitLines } from './body-text.ts';
import type { BodyLine } from './body-text.ts';
import { RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import { isPlainObject } from './raw-record.ts';
import type { DecodeResult, RawRecord } from './raw-record.ts';

/** One line → one record; what is wrong with a line rejects that record only. */
export function parseJsonLine(line: BodyLine): RawRecord | RecordRejection {
  if (line.text === undefined)
    return new RecordRejection('invalid_utf8', `line ${line.lineNumber} is not valid UTF-8`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.text);
  } catch (err) {
    return new RecordRejection(
      'invalid_json',
      `line ${line.lineNumber} is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (!isPlainObject(parsed)) {
    return new RecordRejection('not_an_object', `line ${line.lineNumber} must be a JSON object`);
  }
  return { source: 'json', fields: parsed };
}

/** Record indexes count non-blank lines only: blank lines are framing, not records. */
export function decodeNdjsonBody(body: Buffer, limits: IngestLimits): DecodeResult {
  const lines = splitLines(body, limits.maxRecordsPerRequest);
  const records = new Array<RawRecord | RecordRejection>(lines.length);
  for (let i = 0; i < lines.length; i++) records[i] = parseJsonLine(lines[i] as BodyLine);
  return { records };
}
