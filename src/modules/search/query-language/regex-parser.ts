import type { CodePointRange, RegexNode } from './regex-ast.ts';
import { MAX_REGEX_REPEAT, MAX_REGEX_STATES } from './limits.ts';
import { regexProblemText, type RegexProblem } from './regex-problem.ts';

/** Thrown with an offset into the pattern; the query parser maps it to a query position. */
export class RegexSyntaxError extends Error {
  constructor(
    readonly problem: RegexProblem,
    readonly index: number,
  ) {
    super(`invalid regex: ${regexProblemText(problem)}`);
  }
}

const MAX_CODE_POINT = 0x10ffff;
const SURROGATES: CodePointRange = [0xd800, 0xdfff];

// ASCII-only, as RE2 defines \d \w \s. Spelled out so the engines cannot disagree.
const DIGIT: CodePointRange[] = [[0x30, 0x39]];
const WORD: CodePointRange[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: CodePointRange[] = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];
const CONTROL_ESCAPES: Record<string, number> = { n: 0x0a, t: 0x09, r: 0x0d, f: 0x0c, v: 0x0b };
const PERL_CLASSES: Record<string, CodePointRange[]> = {
  d: DIGIT,
  w: WORD,
  s: SPACE,
  D: complement(DIGIT),
  W: complement(WORD),
  S: complement(SPACE),
};

export function normaliseRanges(ranges: readonly CodePointRange[]): CodePointRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

/** Complement over all Unicode scalar values (surrogates are never matchable in UTF-8). */
export function complement(ranges: readonly CodePointRange[]): CodePointRange[] {
  const out: CodePointRange[] = [];
  let next = 0;
  for (const [lo, hi] of normaliseRanges([...ranges, SURROGATES])) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** `.` matches any code point, newline included: ClickHouse compiles RE2 with dot_nl. */
export const ANY_CODE_POINT: CodePointRange[] = complement([]);

class RegexParser {
  private pos = 0;
  private readonly chars: string[];
  private readonly offsets: number[];

  constructor(source: string) {
    this.chars = [];
    this.offsets = [];
    let offset = 0;
    for (const ch of source) {
      this.chars.push(ch);
      this.offsets.push(offset);
      offset += ch.length;
    }
    this.offsets.push(offset);
  }

  parse(): RegexNode {
    const node = this.parseAlternation();
    if (this.pos < this.chars.length) this.fail({ code: 'unexpected_char', char: this.peek()! });
    return node;
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private fail(problem: RegexProblem, at = this.pos): never {
    throw new RegexSyntaxError(problem, this.offsets[at] ?? 0);
  }

  private parseAlternation(): RegexNode {
    const options = [this.parseConcat()];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.parseConcat());
    }
    return options.length === 1 ? options[0]! : { type: 'alternation', options };
  }

  private parseConcat(): RegexNode {
    const items: RegexNode[] = [];
    for (let ch = this.peek(); ch !== undefined && ch !== '|' && ch !== ')'; ch = this.peek()) {
      items.push(this.parseQuantified());
    }
    if (items.length === 0) return { type: 'empty' };
    return items.length === 1 ? items[0]! : { type: 'concat', items };
  }

  private parseQuantified(): RegexNode {
    const atomStart = this.pos;
    const atom = this.parseAtom();
    const quantifier = this.parseQuantifier();
    if (!quantifier) return atom;
    if (atom.type === 'text_start' || atom.type === 'text_end') {
      this.fail({ code: 'anchor_repeated' }, atomStart);
    }
    if (this.isQuantifierStart()) this.fail({ code: 'nested_quantifier' });
    return { type: 'repeat', node: atom, ...quantifier };
  }

  private isQuantifierStart(): boolean {
    const ch = this.peek();
    return ch === '*' || ch === '+' || ch === '?' || ch === '{';
  }

  private parseQuantifier(): { min: number; max: number | null } | undefined {
    const ch = this.peek();
    let result: { min: number; max: number | null };
    if (ch === '*') result = { min: 0, max: null };
    else if (ch === '+') result = { min: 1, max: null };
    else if (ch === '?') result = { min: 0, max: 1 };
    else if (ch === '{') return this.parseCountedQuantifier();
    else return undefined;
    this.pos++;
    this.skipLazyMarker();
    return result;
  }

  // Laziness changes which match is reported, never whether one exists.
  private skipLazyMarker(): void {
    if (this.peek() === '?') this.pos++;
  }

  private parseCountedQuantifier(): { min: number; max: number | null } {
    const start = this.pos;
    const rest = this.chars.slice(this.pos, this.pos + 16).join('');
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(rest);
    // RE2 would read a malformed `{` as a literal; we refuse rather than guess.
    if (!m) this.fail({ code: 'malformed_repetition' });
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? null : Number(m[3]);
    if (min > MAX_REGEX_REPEAT || (max !== null && max > MAX_REGEX_REPEAT)) {
      this.fail({ code: 'repeat_too_large', max: MAX_REGEX_REPEAT }, start);
    }
    if (max !== null && max < min) this.fail({ code: 'repeat_reversed' }, start);
    this.pos += m[0].length;
    this.skipLazyMarker();
    return { min, max };
  }

  private parseAtom(): RegexNode {
    const ch = this.peek();
    switch (ch) {
      case '(':
        return this.parseGroup();
      case '[':
        return { type: 'class', ranges: this.parseClass() };
      case '.':
        this.pos++;
        return { type: 'class', ranges: ANY_CODE_POINT };
      case '^':
        this.pos++;
        return { type: 'text_start' };
      case '$':
        this.pos++;
        return { type: 'text_end' };
      case '*':
      case '+':
      case '?':
      case '{':
        return this.fail({ code: 'nothing_to_repeat' });
      case '\\': {
        const escaped = this.parseEscape();
        return typeof escaped === 'number'
          ? { type: 'char', codePoint: escaped }
          : { type: 'class', ranges: escaped };
      }
      default:
        this.pos++;
        return { type: 'char', codePoint: ch!.codePointAt(0)! };
    }
  }

  private parseGroup(): RegexNode {
    const open = this.pos;
    this.pos++;
    if (this.peek() === '?') {
      if (this.chars[this.pos + 1] !== ':') {
        this.fail({ code: 'unsupported_group' }, open);
      }
      this.pos += 2;
    }
    const inner = this.parseAlternation();
    if (this.peek() !== ')') this.fail({ code: 'missing_paren' }, open);
    this.pos++;
    return inner;
  }

  /** Returns a code point for a literal escape, or ranges for a class escape like `\d`. */
  private parseEscape(): number | CodePointRange[] {
    const start = this.pos;
    this.pos++;
    const ch = this.peek();
    if (ch === undefined) this.fail({ code: 'trailing_backslash' }, start);
    this.pos++;
    const perl = PERL_CLASSES[ch];
    if (perl) return perl;
    const control = CONTROL_ESCAPES[ch];
    if (control !== undefined) return control;
    if (ch === 'x') return this.parseHexEscape(start);
    if (/^[!-/:-@[-`{-~]$/.test(ch)) return ch.codePointAt(0)!;
    return this.fail({ code: 'unsupported_escape', char: ch }, start);
  }

  private parseHexEscape(start: number): number {
    const rest = this.chars.slice(this.pos, this.pos + 10).join('');
    const m = /^(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{2}))/.exec(rest);
    if (!m) this.fail({ code: 'malformed_hex_escape' }, start);
    const codePoint = parseInt(m[1] ?? m[2]!, 16);
    if (codePoint > MAX_CODE_POINT || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      this.fail({ code: 'not_scalar_value' }, start);
    }
    this.pos += m[0].length;
    return codePoint;
  }

  private parseClass(): CodePointRange[] {
    const open = this.pos;
    this.pos++;
    const negated = this.peek() === '^';
    if (negated) this.pos++;
    // RE2 reads a leading ']' as a literal and JS as an empty class: require '\]' instead.
    if (this.peek() === ']') this.fail({ code: 'empty_class' });
    const ranges: CodePointRange[] = [];
    while (this.peek() !== ']') {
      if (this.peek() === undefined) this.fail({ code: 'missing_bracket' }, open);
      const lo = this.parseClassItem();
      if (this.peek() === '-' && this.chars[this.pos + 1] !== ']' && typeof lo === 'number') {
        const dash = this.pos;
        this.pos++;
        const hi = this.parseClassItem();
        if (typeof hi !== 'number') this.fail({ code: 'class_escape_ends_range' }, dash);
        if (hi < lo) this.fail({ code: 'class_range_reversed' }, dash);
        ranges.push([lo, hi]);
      } else if (typeof lo === 'number') {
        ranges.push([lo, lo]);
      } else {
        ranges.push(...lo);
      }
    }
    this.pos++;
    return negated ? complement(ranges) : normaliseRanges(ranges);
  }

  private parseClassItem(): number | CodePointRange[] {
    const ch = this.peek()!;
    if (ch === '\\') return this.parseEscape();
    if (ch === '[') this.fail({ code: 'nested_class' });
    this.pos++;
    return ch.codePointAt(0)!;
  }
}

/** How many matcher states the pattern expands to; counted repetitions multiply their body. */
export function regexStateCount(node: RegexNode): number {
  switch (node.type) {
    case 'concat':
      return node.items.reduce((sum, item) => sum + regexStateCount(item), 0);
    case 'alternation':
      return node.options.reduce((sum, option) => sum + regexStateCount(option) + 1, 0);
    case 'repeat':
      return (regexStateCount(node.node) + 1) * Math.max(node.max ?? node.min + 1, 1);
    default:
      return 1;
  }
}

/** Parses the supported RE2/JS-common subset; throws RegexSyntaxError. */
export function parseRegex(source: string): RegexNode {
  const node = new RegexParser(source).parse();
  if (regexStateCount(node) > MAX_REGEX_STATES) {
    throw new RegexSyntaxError({ code: 'too_large' }, 0);
  }
  return node;
}
