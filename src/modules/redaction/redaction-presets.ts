// The built-in detectors. Each is a V8 regex written so that a search stays linear: the leading
// run is fenced by a negative lookbehind of its own class, so a match can only start where a run
// starts, and the parts after it are unambiguous (bounded repeats separated by fixed characters).
// A cheap prefilter skips the regex for values that cannot hold a match, and a validator (Luhn,
// IBAN mod 97, the IPv6 grammar) turns candidates that only look right into non-matches.
import { isIPv6 } from 'node:net';
import type { PresetName } from './redaction-vocabulary.ts';

export { PRESET_NAMES, type PresetName } from './redaction-vocabulary.ts';

export interface Preset {
  /** Global (g) regex: candidates in a value. */
  readonly regex: RegExp;
  /** False when the value cannot hold a match (no regex run needed). */
  readonly mayContain: (text: string) => boolean;
  /** A candidate that is really one (checksum, grammar); absent = every candidate. */
  readonly valid?: (match: string) => boolean;
}

/** Luhn mod 10 over the digits of the match (separators ignored). */
export function luhnValid(text: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616: move the first four characters to the end, letters → 10..35, mod 97 must be 1. */
export function ibanValid(text: string): boolean {
  const compact = text.replace(/ /g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

function hasDigitRun(text: string, length: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++run >= length) return true;
    } else if (c !== 32 && c !== 45) run = 0;
  }
  return false;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  email: {
    regex: /(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])/g,
    mayContain: (text) => text.includes('@'),
  },
  payment_card: {
    // 13–19 digits in a row, or the printed groupings (4-4-4-4, Amex 4-6-5) with one kind of
    // separator; not part of a longer number. Text after a card ("… 1111 5 items") stays text.
    regex: /(?<![\d-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}|\d{4}([ -])\d{6}\2\d{5})(?!\d)/g,
    mayContain: (text) => text.length >= 13 && hasDigitRun(text, 13),
    valid: luhnValid,
  },
  iban: {
    regex:
      /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
    mayContain: (text) => text.length >= 15,
    valid: ibanValid,
  },
  ipv4: {
    regex: new RegExp(`(?<![\\d.])(?:${OCTET}\\.){3}${OCTET}(?!\\.?\\d)`, 'g'),
    mayContain: (text) => text.includes('.'),
  },
  ipv6: {
    // Candidates: runs of hex digits and colons (with an optional dotted IPv4 tail); the grammar
    // (one '::' at most, eight groups…) is node's own.
    regex: /(?<![0-9A-Fa-f:.])[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?![0-9A-Fa-f:])/g,
    mayContain: (text) => text.includes(':'),
    valid: (match) => isIPv6(match),
  },
  jwt: {
    regex: /(?<![\w-])eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/g,
    mayContain: (text) => text.includes('eyJ'),
  },
  bearer_token: {
    // The credential after "Bearer " (the word itself stays, so a log still says what it was).
    regex: /(?<=\b[Bb]earer {1,8})[\w.~+/-]{8,}=*/g,
    mayContain: (text) => text.includes('earer'),
  },
  aws_access_key: {
    regex:
      /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}(?![A-Z0-9])/g,
    mayContain: (text) => text.length >= 20 && text.includes('A'),
  },
  phone: {
    // E.164 (+ and 7–15 digits) or a grouped national number with separators; not a piece of a
    // longer digit sequence (cards, ids, dates have their own shapes).
    regex:
      /(?<![\w+.-]|\d[ .-])(?:\+[1-9]\d{6,14}|(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)|\d{2,4})[ .-]\d{3,4}[ .-]\d{3,4})(?![\w]|[ .-]\d)/g,
    mayContain: (text) => text.length >= 8 && hasDigitRun(text, 3),
  },
};
