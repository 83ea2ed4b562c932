// Feedback on queries that parse but cannot mean what was typed: a field no log has (`servce:`)
// or a level no log can have (`level:eror`). The query still runs; the bar shows the hint, worded in
// the reader's language (field and level names are query syntax and stay as typed).
import type { FieldRef, QueryNode, TermNode } from '../../../modules/search/query-language/ast.ts';
import {
  CANONICAL_LEVELS,
  normaliseLevel,
} from '../../../modules/search/query-language/level-names.ts';
import { parseQuery } from '../../../modules/search/query-language/parser.ts';
import { currentDisplay, t } from '../i18n/display.ts';
import { COLUMN_FIELDS } from './fields.ts';

export interface KnownFields {
  /** Attribute keys seen in the current apps and range. */
  names: readonly string[];
  /** True when the list may be cut short (the fields API's limit): absence then proves nothing. */
  truncated: boolean;
}

const LEVEL_WORDS = [...CANONICAL_LEVELS, 'warning', 'err', 'critical', 'notice', 'information'];

export function queryHints(query: string, known: KnownFields | null): string[] {
  let ast: QueryNode;
  try {
    ast = parseQuery(query);
  } catch {
    return [];
  }
  const hints = new Set<string>();
  for (const term of terms(ast)) {
    const field = term.field;
    if (field.kind === 'column') {
      if (field.column === 'level' && term.kind === 'text') {
        const level = normaliseLevel(term.value);
        if (!(CANONICAL_LEVELS as readonly string[]).includes(level)) {
          const near = closest(term.value.toLowerCase(), LEVEL_WORDS);
          const said = `level:${term.value}`;
          hints.add(
            near
              ? t('queryHint.levelDidYouMean', { term: said, suggestion: normaliseLevel(near) })
              : t('queryHint.levelList', { term: said, levels: levelList() }),
          );
        }
      }
    } else if (field.kind === 'attribute' && known) {
      const hint = fieldHint(field, known);
      if (hint) hints.add(hint);
    }
  }
  return [...hints];
}

function fieldHint(field: Extract<FieldRef, { kind: 'attribute' }>, known: KnownFields) {
  if (known.names.includes(field.key)) return null;
  const candidates = [...COLUMN_FIELDS.map((f) => f.name), ...known.names];
  const near = closest(field.key, candidates);
  if (near) return t('queryHint.fieldDidYouMean', { field: field.name, suggestion: near });
  if (known.truncated) return null;
  return t('queryHint.fieldMissing', { field: field.name });
}

/** The level names (query syntax, so never translated) as a list in the reader's language. */
function levelList(): string {
  const { locale } = currentDisplay();
  return new Intl.ListFormat(locale === 'en-XA' ? 'en' : locale, { type: 'conjunction' }).format(
    CANONICAL_LEVELS,
  );
}

function terms(node: QueryNode): TermNode[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.flatMap(terms);
    case 'not':
      return terms(node.child);
    case 'match_all':
      return [];
    default:
      return [node];
  }
}

/** The nearest candidate within a couple of typos (none for short words, which match too much). */
function closest(word: string, candidates: readonly string[]): string | null {
  const allowed = word.length <= 3 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    if (candidate === word) return null;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
