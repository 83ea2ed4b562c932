// Recognisable secrets: `<kind>_` + 32 random base62 characters + a 6-character checksum.
// The prefix lets secret scanners and people tell an ingest key (mlk_) from an API token (mlt_);
// the checksum lets us refuse a mistyped or truncated secret without a database lookup.
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;

export type SecretKind = 'mlk' | 'mlt';

export function generateSecret(kind: SecretKind): string {
  const bytes = randomBytes(RANDOM_LENGTH);
  let body = '';
  // 256 % 62 leaves a small bias; rejection sampling removes it.
  let i = 0;
  while (body.length < RANDOM_LENGTH) {
    if (i >= bytes.length) {
      bytes.set(randomBytes(RANDOM_LENGTH));
      i = 0;
    }
    const byte = bytes[i++] as number;
    if (byte < 248) body += ALPHABET[byte % 62];
  }
  return `${kind}_${body}${checksum(`${kind}_${body}`)}`;
}

export function hasValidShape(secret: string, kind: SecretKind): boolean {
  const expectedLength = kind.length + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH;
  if (secret.length !== expectedLength || !secret.startsWith(`${kind}_`)) return false;
  if (!/^[0-9A-Za-z]+$/.test(secret.slice(kind.length + 1))) return false;
  const head = secret.slice(0, -CHECKSUM_LENGTH);
  return checksum(head) === secret.slice(-CHECKSUM_LENGTH);
}

/** Secrets carry ~190 bits of entropy, so a single sha256 is enough and keeps lookups cheap. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** What lists show: enough to tell keys apart, far too little to use. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, secret.indexOf('_') + 9);
}

function checksum(text: string): string {
  let value = createHash('sha256').update(text).digest().readUInt32BE(0);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i += 1) {
    out += ALPHABET[value % 62];
    value = Math.floor(value / 62);
  }
  return out;
}
