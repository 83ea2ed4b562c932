import type { CodePointRange, RegexNode } from './regex-ast.ts';

// Everything but ASCII alphanumerics is written as \x{…}, so no character can be misread as syntax.
function re2Char(codePoint: number): string {
  const ch = String.fromCodePoint(codePoint);
  return /^[0-9A-Za-z]$/.test(ch) ? ch : `\\x{${codePoint.toString(16).toUpperCase()}}`;
}

function re2Class(ranges: readonly CodePointRange[]): string {
  if (ranges.length === 0) return '[^\\x{0}-\\x{10FFFF}]';
  const items = ranges.map(([lo, hi]) =>
    lo === hi ? re2Char(lo) : `${re2Char(lo)}-${re2Char(hi)}`,
  );
  return `[${items.join('')}]`;
}

function re2Quantifier(min: number, max: number | null): string {
  if (max === null) return min === 0 ? '*' : min === 1 ? '+' : `{${min},}`;
  if (min === 0 && max === 1) return '?';
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/** Canonical RE2 text for ClickHouse `match()`; groups are always non-capturing. */
export function regexToRe2(node: RegexNode): string {
  switch (node.type) {
    case 'empty':
      return '';
    case 'char':
      return re2Char(node.codePoint);
    case 'class':
      return re2Class(node.ranges);
    case 'text_start':
      return '^';
    case 'text_end':
      return '$';
    case 'concat':
      return node.items.map(regexToRe2).join('');
    case 'alternation':
      return `(?:${node.options.map(regexToRe2).join('|')})`;
    case 'repeat':
      return `(?:${regexToRe2(node.node)})${re2Quantifier(node.min, node.max)}`;
  }
}
