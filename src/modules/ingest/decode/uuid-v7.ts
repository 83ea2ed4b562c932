import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562) from the receive time plus randomness, monotonic within this process.
 *
 * A whole request shares one receive millisecond, so a 12-bit counter would overflow at 4096 rows.
 * Method 1 of RFC 9562 §6.2 is used with a 26-bit counter (rand_a + 14 high bits of rand_b),
 * seeded randomly below 2^25 on each new millisecond; on overflow the timestamp borrows the next
 * millisecond, which keeps ids strictly increasing. The other 48 bits are fresh randomness.
 */

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);
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

function h(byte: number): string {
  return HEX[byte & 0xff] as string;
}

export function uuidV7(nowMs: number): string {
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
  return (
    h(msHigh >>> 8) +
    h(msHigh) +
    h(msLow >>> 24) +
    h(msLow >>> 16) +
    '-' +
    h(msLow >>> 8) +
    h(msLow) +
    '-' +
    h(0x70 | (randA >>> 8)) +
    h(randA) +
    '-' +
    h(0x80 | (randB >>> 8)) +
    h(randB) +
    '-' +
    h(pool[r] ?? 0) +
    h(pool[r + 1] ?? 0) +
    h(pool[r + 2] ?? 0) +
    h(pool[r + 3] ?? 0) +
    h(pool[r + 4] ?? 0) +
    h(pool[r + 5] ?? 0)
  );
}
