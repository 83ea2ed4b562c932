// Loaded with `--import` into a process whose Buffer allocations a bench wants counted: bytes of
// every Buffer of 4 KiB or more made through Buffer.alloc/allocUnsafe/allocUnsafeSlow/concat/from,
// by the three calling frames, printed to stderr at exit (the top 15). V8 counts these buffers as
// external memory and answers it with garbage collections, so fewer bytes here is less GC.
// Allocations of 64 KiB or more are each recorded; of smaller ones every 8th records its stack
// (capturing one for each would slow the process several times) and counts 8 times. Usage:
//   BENCH_BATCHES=1000 BENCH_DURATION_S=10 node --import ./bench/lib/buffer-allocation-hook.mjs \
//     --import tsx bench/ingest.bench.ts
import { Buffer } from 'node:buffer';

const SAMPLE_EVERY = 8;
const MIN_BYTES = 4096;
const ALWAYS_BYTES = 65_536;
const byCaller = new Map();
let calls = 0;
// Buffer.concat allocates through allocUnsafe: count the concat, not the allocation inside it.
let inside = 0;

function record(bytes) {
  if (inside > 0 || bytes < MIN_BYTES) return;
  const weight = bytes >= ALWAYS_BYTES ? 1 : SAMPLE_EVERY;
  if (weight > 1 && calls++ % SAMPLE_EVERY !== 0) return;
  const frames = (new Error().stack ?? '').split('\n').slice(3, 6);
  const caller = frames
    .map((f) =>
      f
        .trim()
        .replace(/^at /, '')
        .replace(/\(file:\/\/[^)]*\/(src|node_modules|bench)\//, '($1/'),
    )
    .join(' < ');
  const entry = byCaller.get(caller) ?? { bytes: 0, count: 0 };
  entry.bytes += bytes * weight;
  entry.count += weight;
  byCaller.set(caller, entry);
}

function wrap(name, bytesOf) {
  const original = Buffer[name];
  Buffer[name] = function (...args) {
    inside += 1;
    let result;
    try {
      result = original.apply(this, args);
    } finally {
      inside -= 1;
    }
    const bytes = bytesOf(args, result);
    if (bytes !== undefined) record(bytes);
    return result;
  };
}

wrap('alloc', (args) => args[0]);
wrap('allocUnsafe', (args) => args[0]);
wrap('allocUnsafeSlow', (args) => args[0]);
wrap('concat', (_args, result) => result.length);
// Buffer.from(arrayBuffer) is a view, not an allocation.
wrap('from', (args, result) =>
  typeof args[0] === 'string' || ArrayBuffer.isView(args[0]) ? result.length : undefined,
);

process.on('exit', () => {
  const rows = [...byCaller].sort((a, b) => b[1].bytes - a[1].bytes);
  const total = rows.reduce((sum, [, e]) => sum + e.bytes, 0);
  process.stderr.write(
    `\nBuffer allocations of ${MIN_BYTES} bytes or more: ~${(total / 1e6).toFixed(0)} MB\n`,
  );
  for (const [caller, e] of rows.slice(0, 15)) {
    process.stderr.write(
      `${(e.bytes / 1e6).toFixed(1).padStart(9)} MB ${String(e.count).padStart(7)}×  ${caller}\n`,
    );
  }
});
