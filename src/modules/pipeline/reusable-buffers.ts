// Large buffers kept between uses instead of allocated for each.
//
// Every merged insert concatenated its jobs' payloads into a new buffer of several MB: at 50k
// records/s, ~20 MB a second. V8 counts buffers as external memory and answers each ~64 MB of it
// with a mark-compact of the whole heap (`--trace-gc`: ~3 a second during bench:ingest, "external
// memory pressure"), which is CPU the inserts do not get. A buffer leased here is returned after
// its insert, and the next insert of about the same size writes into it again.

/** Capacity grows in these steps, so that sizes that differ a little share a buffer. */
const CAPACITY_STEP = 1 << 20;

export class ReusableBuffers {
  private readonly free: ArrayBuffer[] = [];

  /**
   * `maxKept` buffers stay between uses (one per insert that may run at once is enough); a request
   * larger than `maxBytesKept` gets a buffer of its own that is not kept.
   */
  constructor(
    private readonly maxKept: number,
    private readonly maxBytesKept: number,
  ) {}

  /** `size` bytes, uninitialised, the caller's alone until it gives them back with `release`. */
  lease(size: number): Buffer {
    if (size > this.maxBytesKept) return Buffer.allocUnsafeSlow(size);
    const index = this.smallestFitting(size);
    const store =
      index >= 0
        ? (this.free.splice(index, 1)[0] as ArrayBuffer)
        : new ArrayBuffer(
            Math.min(this.maxBytesKept, Math.ceil((size * 1.25) / CAPACITY_STEP) * CAPACITY_STEP),
          );
    return Buffer.from(store, 0, size);
  }

  /** Gives back what `lease` returned; the caller must not touch those bytes again. */
  release(leased: Buffer): void {
    const store = leased.buffer;
    if (!(store instanceof ArrayBuffer) || leased.byteOffset !== 0) return;
    if (store.byteLength > this.maxBytesKept || this.free.includes(store)) return;
    this.free.push(store);
    // Over the count, the smallest goes: the large ones are the costly ones to allocate again.
    if (this.free.length > this.maxKept) {
      this.free.sort((a, b) => b.byteLength - a.byteLength);
      this.free.length = this.maxKept;
    }
  }

  /** Bytes held between uses, for tests and metrics. */
  get keptBytes(): number {
    return this.free.reduce((sum, store) => sum + store.byteLength, 0);
  }

  private smallestFitting(size: number): number {
    let best = -1;
    this.free.forEach((store, i) => {
      const current = this.free[best];
      if (
        store.byteLength >= size &&
        (current === undefined || store.byteLength < current.byteLength)
      )
        best = i;
    });
    return best;
  }
}
