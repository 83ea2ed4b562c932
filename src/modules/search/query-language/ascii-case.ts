/**
 * Case-insensitivity in the query language folds ASCII letters only, exactly like ClickHouse
 * `lower()` and `hasTokenCaseInsensitive`. Unicode folding (lowerUTF8 vs toLowerCase) differs
 * between the engines on edge cases, so `É` and `é` are deliberately different letters.
 */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 32));
}
