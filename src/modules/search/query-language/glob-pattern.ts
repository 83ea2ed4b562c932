/**
 * `*` globs. `parts` are the literal pieces between stars: `ab*c` → ['ab', 'c'], `ab*` → ['ab', ''].
 * Only `*` is special (any run of characters, possibly empty); `?` is a literal.
 */

/** ClickHouse LIKE pattern: literal `%`, `_` and `\` are escaped, each `*` becomes `%`. */
export function globToLikePattern(parts: readonly string[]): string {
  return parts.map((part) => part.replace(/[\\%_]/g, (ch) => `\\${ch}`)).join('%');
}

/**
 * Whole-string glob match without regexes or backtracking blow-up: anchor the first and last
 * parts, then take each middle part at its leftmost occurrence, which is optimal for `*` globs.
 */
export function matchesGlob(parts: readonly string[], text: string): boolean {
  const first = parts[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1] ?? '') : '';
  if (parts.length === 1) return text === first;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let cursor = first.length;
  const limit = text.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, cursor);
    if (found === -1 || found + part.length > limit) return false;
    cursor = found + part.length;
  }
  return true;
}
