// Large buffers kept between uses instead of allocated for each.
//
// Every merged insert concatenated its jobs' payloads into a new buffer of several MB: at 50k
// records/s, ~20 MB a second. V8 counts buffers as external memory and answers it with
// collections, which are CPU the inserts do not get. A buffer leased here is given back when its
// user is done with it, and the next lease of about the same size writes into it again.

export interface ReusableBuffersOptions {
  /** Buffers kept between uses: about as many as are in use at once. */
  maxKept: number;
  /** A lease larger than this gets a buffer of its own that is not kept. */
  maxBytesKept: number;
  /** Capacity grows in these steps, so that sizes that differ a little share a buffer. */
  capacityStep: number;
}

export class ReusableBuffers {
  private readonly free: ArrayBuffer[] = [];
  /** Leased and not given back: only these are taken back, and only once. */
  private readonly leased = new WeakSet<ArrayBuffer>();

  constructor(private readonly options: ReusableBuffersOptions) {}

  /** `size` bytes, uninitialised, the caller's alone until it gives them back with `release`. */
  lease(size: number): Buffer {
    const { maxBytesKept, capacityStep } = this.options;
    if (size > maxBytesKept) return Buffer.allocUnsafeSlow(size);
    const index = this.smallestFitting(size);
    const store =
      index >= 0
        ? (this.free.splice(index, 1)[0] as ArrayBuffer)
        : new ArrayBuffer(
            Math.min(maxBytesKept, Math.ceil((size * 1.25) / capacityStep) * capacityStep),
          );
    this.leased.add(store);
    return Buffer.from(store, 0, size);
  }

  /** Gives back what `lease` returned; the caller must not touch those bytes again. */
  release(buffer: Buffer): void {
    const store = buffer.buffer;
    if (!(store instanceof ArrayBuffer) || !this.leased.has(store)) return;
    this.leased.delete(store);
    this.free.push(store);
    // Over the count, the smallest goes: the large ones are the costly ones to allocate again.
    if (this.free.length > this.options.maxKept) {
      this.free.sort((a, b) => b.byteLength - a.byteLength);
      this.free.length = this.options.maxKept;
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
      ) {
        best = i;
      }
    });
    return best;
  }
}
