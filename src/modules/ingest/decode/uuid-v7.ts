import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562) from the receive time plus randomness, monotonic within this process.
 *
 * A whole request shares one receive millisecond, so a 12-bit counter would overflow at 4096 rows.
 * Method 1 of RFC 9562 §6.2 is used with a 26-bit counter (rand_a + 14 high bits of rand_b),
 * seeded randomly below 2^25 on each new millisecond; on overflow the timestamp borrows the next
 * millisecond, which keeps ids strictly increasing. The other 48 bits are fresh randomness.
 */

const POOL_BYTES = 16 * 1024;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolOffset = POOL_BYTES;

let lastMs = -1;
let counter = 0;
const COUNTER_MAX = 0x3ff_ffff;

function randomBytes(n: number): number {
  if (poolOffset + n > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += n;
  return at;
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const text = Buffer.alloc(36);

function hexByte(target: Buffer, at: number, byte: number): void {
  target[at] = HEX_DIGITS[(byte >>> 4) & 0xf] as number;
  target[at + 1] = HEX_DIGITS[byte & 0xf] as number;
}

/** Writes the next id's 36 characters (8-4-4-4-12) into `target` at `at`. */
function nextUuidV7(nowMs: number, target: Buffer, at: number): void {
  let ms = Math.floor(nowMs);
  if (ms > lastMs) {
    const at = randomBytes(4);
    counter = pool.readUInt32BE(at) & 0x1ff_ffff;
    lastMs = ms;
  } else {
    counter++;
    if (counter > COUNTER_MAX) {
      lastMs++;
      counter = 0;
    }
    ms = lastMs;
  }
  const r = randomBytes(6);
  // 48-bit ms split into 16 high and 32 low bits: bitwise ops in JS are 32-bit.
  const msHigh = Math.floor(ms / 0x1_0000_0000);
  const msLow = ms >>> 0;
  const randA = counter >>> 14; // 12 bits
  const randB = counter & 0x3fff; // 14 bits
  // Hex digits are written as bytes (uuidV7 makes one string of them): concatenating 20 pieces
  // allocated ~1.1 KB of short-lived strings per id, a measurable share of ingest GC.
  hexByte(target, at, msHigh >>> 8);
  hexByte(target, at + 2, msHigh);
  hexByte(target, at + 4, msLow >>> 24);
  hexByte(target, at + 6, msLow >>> 16);
  target[at + 8] = 0x2d;
  hexByte(target, at + 9, msLow >>> 8);
  hexByte(target, at + 11, msLow);
  target[at + 13] = 0x2d;
  hexByte(target, at + 14, 0x70 | (randA >>> 8));
  hexByte(target, at + 16, randA);
  target[at + 18] = 0x2d;
  hexByte(target, at + 19, 0x80 | (randB >>> 8));
  hexByte(target, at + 21, randB);
  target[at + 23] = 0x2d;
  for (let i = 0; i < 6; i++) hexByte(target, at + 24 + 2 * i, pool[r + i] ?? 0);
}

export function uuidV7(nowMs: number): string {
  nextUuidV7(nowMs, text, 0);
  return text.toString('latin1', 0, 36);
}

/** Writes the next id's 36 characters into `target` at `at`; returns the offset after them. */
export function writeUuidV7(nowMs: number, target: Buffer, at: number): number {
  nextUuidV7(nowMs, target, at);
  return at + 36;
}
