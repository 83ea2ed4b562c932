/**
 * Puts String.prototype back into V8's fast-properties mode.
 *
 * Why: ioredis 6 defines `class VerbatimString extends String`. Making String.prototype the
 * prototype of a new object switches it to dictionary mode, and V8 switches a prototype back only
 * when a property lookup on an *object* misses through it, which a string method call
 * (`s.charCodeAt(i)`: the receiver is a primitive) never is. Until then optimised code cannot
 * inline any string method: every `s.charCodeAt(i)` in the ingest fast paths became a call to the
 * generic LoadIC builtin, 17 % of the ingest thread's time in a perf profile of bench:ingest.
 *
 * How: a missed lookup through an object whose prototype is String.prototype, repeated until the
 * function has feedback (V8 allocates it lazily). test/unit/fast-string-prototype.test.ts checks,
 * in a child with --allow-natives-syntax, that the server's imports leave it fast.
 */
export function restoreFastStringPrototype(): void {
  const probe = Object.create(String.prototype) as { mylogAbsent?: unknown };
  const miss = (): string => typeof probe.mylogAbsent;
  for (let i = 0; i < 100; i++) miss();
}
