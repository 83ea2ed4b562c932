// snappyjs ships no types. Only the raw (block) format is used: Loki's push protobuf is one
// snappy block, not the framed stream format.
declare module 'snappyjs' {
  /** Throws when the block's declared length exceeds maxLength, before allocating it. */
  export function uncompress(compressed: Buffer, maxLength?: number): Buffer;
  export function compress(uncompressed: Buffer): Buffer;
  const snappy: { uncompress: typeof uncompress; compress: typeof compress };
  export default snappy;
}
