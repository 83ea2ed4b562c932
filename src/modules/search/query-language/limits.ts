/** Longer queries are rejected before lexing, so a hostile request cannot make us do real work. */
export const MAX_QUERY_LENGTH_CHARS = 4096;
/** Parentheses and NOT/- prefixes nest the parser's recursion; this bounds the stack. */
export const MAX_NESTING_DEPTH = 32;
/** Each term becomes at least one SQL condition and one bound parameter. */
export const MAX_TERMS = 128;
/** RE2 refuses repetitions above 1000; we stay well below so the JS matcher stays small too. */
export const MAX_REGEX_REPEAT = 100;
/** Upper bound on the JS matcher's state count after expanding counted repetitions. */
export const MAX_REGEX_STATES = 5000;
