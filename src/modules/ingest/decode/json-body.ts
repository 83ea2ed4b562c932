import { bodyText, tooManyRecords } from './body-text.ts';
import { IngestInputError, RecordRejection } from './ingest-errors.ts';
import type { IngestLimits } from './ingest-limits.ts';
import { isPlainObject } from './raw-record.ts';
import type { DecodeResult, RawRecord } from './raw-record.ts';

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new IngestInputError(
      400,
      'invalid_json',
      `the body is not valid JSON: ${(err as Error).message}`,
    );
  }
}

/** A JSON object (one record) or an array of objects (an element that is not one is rejected alone). */
export function decodeJsonValue(parsed: unknown, limits: IngestLimits): DecodeResult {
  if (isPlainObject(parsed)) return { records: [{ source: 'json', fields: parsed }] };
  if (!Array.isArray(parsed)) {
    throw new IngestInputError(
      400,
      'invalid_body',
      'the body must be a JSON object or an array of objects',
    );
  }
  if (parsed.length > limits.maxRecordsPerRequest) throw tooManyRecords(limits);
  const records: (RawRecord | RecordRejection)[] = new Array<RawRecord | RecordRejection>(
    parsed.length,
  );
  for (let i = 0; i < parsed.length; i++) {
    const item: unknown = parsed[i];
    records[i] = isPlainObject(item)
      ? { source: 'json', fields: item }
      : new RecordRejection(
          'not_an_object',
          `record must be a JSON object, not ${Array.isArray(item) ? 'an array' : typeof item}`,
        );
  }
  return { records };
}

export function decodeJsonBody(body: Buffer, limits: IngestLimits): DecodeResult {
  return decodeJsonValue(parseJsonText(bodyText(body)), limits);
}
