/**
 * Byte-level JSON scanning for the fast paths that copy a sender's JSON into rows (NDJSON,
 * OTLP/JSON). Each function reads at position p of a UTF-8 body and returns the position after
 * what it read, or throws BAIL when the text is not what the fast path can copy: the caller then
 * leaves the record (or the body) to the general path, which parses it with JSON.parse.
 */

/** Thrown (as a constant, never constructed) when a record leaves a fast path. */
export const BAIL = Symbol('bail');

/** Set by scanString for the string just scanned: all its bytes are below 0x80. */
export let strAscii = true;
/** Set by scanString for the string just scanned: it holds escapes (its text needs decoding). */
export let strEscaped = false;

export function skipSpace(s: Buffer, p: number, end: number): number {
  while (p < end) {
    const c = s[p] as number;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    p++;
  }
  return p;
}

/** 1 for the ASCII bytes a string holds as they are: not a quote, a backslash, a control. */
const PLAIN_ASCII = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN_ASCII[c] = c === 0x22 || c === 0x5c ? 0 : 1;

/**
 * A string literal at p whose bytes JSON.stringify would write the same way for its text: no
 * `\/` or `\u` escape (the others it writes alike). Returns the position after its closing quote.
 */
export function scanString(s: Buffer, p: number, end: number): number {
  if (s[p] !== 0x22) throw BAIL;
  p++;
  let ascii = true;
  let escaped = false;
  for (;;) {
    // Runs of plain ASCII at one load and compare a byte (past the buffer, undefined stops it).
    while (PLAIN_ASCII[s[p] as number] === 1) p++;
    if (p >= end) throw BAIL;
    const c = s[p++] as number;
    if (c === 0x22) break;
    if (c < 0x20) throw BAIL;
    if (c >= 0x80) ascii = false;
    else if (c === 0x5c) {
      // \" \\ \b \f \n \r \t are written by JSON.stringify the same way; \/ and \u are not.
      const e = s[p++];
      if (
        e !== 0x22 &&
        e !== 0x5c &&
        e !== 0x62 &&
        e !== 0x66 &&
        e !== 0x6e &&
        e !== 0x72 &&
        e !== 0x74
      )
        throw BAIL;
      escaped = true;
    }
  }
  strAscii = ascii;
  strEscaped = escaped;
  return p;
}

export function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * A JSON number at p whose JS text (String(Number(token))) is the token itself: an integer or
 * decimal of at most 15 significant digits (so the double keeps them all), no exponent, no
 * trailing fraction zero, no -0, and not below 1e-6 (where JS switches to exponent notation).
 * Returns the position after it.
 */
export function scanNumber(s: Buffer, p: number): number {
  const negative = s[p] === 0x2d;
  if (negative) p++;
  const intStart = p;
  if (s[p] === 0x30) p++;
  else if (isDigit(s[p])) while (isDigit(s[p])) p++;
  else throw BAIL;
  const intDigits = p - intStart;
  let significant = s[intStart] === 0x30 ? 0 : intDigits;
  if (s[p] === 0x2e) {
    p++;
    const fracStart = p;
    while (isDigit(s[p])) p++;
    if (p === fracStart || s[p - 1] === 0x30) throw BAIL;
    if (significant === 0) {
      let zeros = 0;
      while (s[fracStart + zeros] === 0x30) zeros++;
      if (zeros > 5) throw BAIL;
      significant = p - fracStart - zeros;
    } else significant += p - fracStart;
  } else if (negative && significant === 0) throw BAIL;
  if (significant > 15) throw BAIL;
  const c = s[p];
  if (c === 0x65 || c === 0x45 || isDigit(c)) throw BAIL;
  return p;
}

export function scanLiteral(s: Buffer, p: number, word: readonly number[]): number {
  for (const b of word) if (s[p++] !== b) throw BAIL;
  return p;
}
export const TRUE_BYTES = [0x74, 0x72, 0x75, 0x65];
export const FALSE_BYTES = [0x66, 0x61, 0x6c, 0x73, 0x65];
export const NULL_BYTES = [0x6e, 0x75, 0x6c, 0x6c];

/** Any string literal JSON.parse accepts (every escape); the position after it. */
function skipAnyString(s: Buffer, p: number, end: number): number {
  if (s[p] !== 0x22) throw BAIL;
  p++;
  for (;;) {
    if (p >= end) throw BAIL;
    const c = s[p++] as number;
    if (c === 0x22) return p;
    if (c < 0x20) throw BAIL;
    if (c !== 0x5c) continue;
    const e = s[p++];
    if (e === 0x75) {
      for (let i = 0; i < 4; i++) if (!isHex(s[p++])) throw BAIL;
    } else if (
      e !== 0x22 &&
      e !== 0x5c &&
      e !== 0x2f &&
      e !== 0x62 &&
      e !== 0x66 &&
      e !== 0x6e &&
      e !== 0x72 &&
      e !== 0x74
    )
      throw BAIL;
  }
}

function isHex(c: number | undefined): boolean {
  return (
    c !== undefined && ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66))
  );
}

/** Any number JSON.parse accepts; the position after it. */
export function skipNumber(s: Buffer, p: number): number {
  if (s[p] === 0x2d) p++;
  if (s[p] === 0x30) p++;
  else if (isDigit(s[p])) while (isDigit(s[p])) p++;
  else throw BAIL;
  if (s[p] === 0x2e) {
    p++;
    if (!isDigit(s[p])) throw BAIL;
    while (isDigit(s[p])) p++;
  }
  if (s[p] === 0x65 || s[p] === 0x45) {
    p++;
    if (s[p] === 0x2b || s[p] === 0x2d) p++;
    if (!isDigit(s[p])) throw BAIL;
    while (isDigit(s[p])) p++;
  }
  return p;
}

/** Open containers of skipValue: true for an object. */
const openObjects: boolean[] = [];

/**
 * Any JSON value at p, checked as strictly as JSON.parse checks it (so that its text, parsed on
 * its own, is what parsing the whole body would give): the position after it. Containers nested
 * deeper than `maxDepth` bail.
 */
export function skipValue(s: Buffer, p: number, end: number, maxDepth: number): number {
  let depth = 0;
  for (;;) {
    // A value starts at p.
    p = skipSpace(s, p, end);
    const c = s[p];
    let opened = false;
    if (c === 0x7b || c === 0x5b) {
      p = skipSpace(s, p + 1, end);
      if (s[p] === (c === 0x7b ? 0x7d : 0x5d)) p++;
      else {
        if (depth >= maxDepth) throw BAIL;
        openObjects[depth++] = c === 0x7b;
        opened = true;
      }
    } else if (c === 0x22) p = skipAnyString(s, p, end);
    else if (c === 0x74) p = scanLiteral(s, p, TRUE_BYTES);
    else if (c === 0x66) p = scanLiteral(s, p, FALSE_BYTES);
    else if (c === 0x6e) p = scanLiteral(s, p, NULL_BYTES);
    else p = skipNumber(s, p);
    // After a complete value: close containers, or go on to the next member or element.
    if (!opened) {
      for (;;) {
        if (depth === 0) {
          if (p > end) throw BAIL;
          return p;
        }
        p = skipSpace(s, p, end);
        const next = s[p++];
        if (next === 0x2c) break;
        if (next !== (openObjects[depth - 1] === true ? 0x7d : 0x5d)) throw BAIL;
        depth--;
      }
    }
    if (openObjects[depth - 1] === true) {
      p = skipSpace(s, p, end);
      p = skipAnyString(s, p, end);
      p = skipSpace(s, p, end);
      if (s[p++] !== 0x3a) throw BAIL;
    }
  }
}
