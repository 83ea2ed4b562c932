// Concatenated JSON objects with nothing or whitespace between them (`{…}{…}`): Fluent Bit's http
// output with `Format json_stream`, labelled application/json.

/**
 * The texts of the top-level objects of `text`, or undefined when it is not only objects one after
 * another (each text is then parsed on its own, so a broken one is that record's problem).
 */
export function splitJsonStream(text: string, maxObjects: number): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      if (depth === 0) return undefined;
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) {
        if (c !== 0x7b) return undefined;
        start = i;
      }
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return undefined;
      depth--;
      if (depth === 0) {
        // One past the limit is enough for the caller to refuse the request.
        if (out.length > maxObjects) return out;
        out.push(text.slice(start, i + 1));
      }
    } else if (depth === 0 && c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
      return undefined;
    }
  }
  return depth === 0 && !inString && out.length > 1 ? out : undefined;
}
