/** Inclusive code point range. */
export type CodePointRange = readonly [number, number];

/**
 * The supported regex subset, after parsing. Classes are already canonical: sorted, merged,
 * negation applied, surrogates excluded, so RE2 and the JS matcher cannot read them differently.
 */
export type RegexNode =
  | { type: 'empty' }
  | { type: 'char'; codePoint: number }
  | { type: 'class'; ranges: CodePointRange[] }
  | { type: 'text_start' }
  | { type: 'text_end' }
  | { type: 'concat'; items: RegexNode[] }
  | { type: 'alternation'; options: RegexNode[] }
  | { type: 'repeat'; node: RegexNode; min: number; max: number | null };
