import type { CodePointRange, RegexNode } from './regex-ast.ts';

/**
 * A Thompson-NFA matcher for the regex subset. The live tail evaluates user regexes on every
 * streamed row, and a backtracking engine (JS RegExp) can be driven into exponential time by a
 * pattern like `(a+)+$`; simulating the NFA keeps it linear in the input, as RE2 does in SQL.
 */
type State =
  | { kind: 'char'; ranges: readonly CodePointRange[]; next: number }
  | { kind: 'split'; next: number[] }
  | { kind: 'assert'; at: 'start' | 'end'; next: number }
  | { kind: 'match' };

class NfaBuilder {
  readonly states: State[] = [];

  /** Emits states for `node` ending in a jump to `next`; returns the entry state. */
  build(node: RegexNode, next: number): number {
    switch (node.type) {
      case 'empty':
        return next;
      case 'char':
        return this.add({ kind: 'char', ranges: [[node.codePoint, node.codePoint]], next });
      case 'class':
        return this.add({ kind: 'char', ranges: node.ranges, next });
      case 'text_start':
        return this.add({ kind: 'assert', at: 'start', next });
      case 'text_end':
        return this.add({ kind: 'assert', at: 'end', next });
      case 'concat':
        return node.items.reduceRight((target, item) => this.build(item, target), next);
      case 'alternation':
        return this.add({ kind: 'split', next: node.options.map((o) => this.build(o, next)) });
      case 'repeat':
        return this.buildRepeat(node.node, node.min, node.max, next);
    }
  }

  private buildRepeat(body: RegexNode, min: number, max: number | null, next: number): number {
    let entry: number;
    if (max === null) {
      const loop = this.add({ kind: 'split', next: [] });
      const bodyEntry = this.build(body, loop);
      (this.states[loop] as { next: number[] }).next = [bodyEntry, next];
      entry = loop;
    } else {
      entry = next;
      for (let i = 0; i < max - min; i++) {
        entry = this.add({ kind: 'split', next: [this.build(body, entry), next] });
      }
    }
    for (let i = 0; i < min; i++) entry = this.build(body, entry);
    return entry;
  }

  add(state: State): number {
    this.states.push(state);
    return this.states.length - 1;
  }
}

function inRanges(codePoint: number, ranges: readonly CodePointRange[]): boolean {
  for (const [lo, hi] of ranges) {
    if (codePoint < lo) return false;
    if (codePoint <= hi) return true;
  }
  return false;
}

/** Compiles to an unanchored search: true when the pattern matches anywhere in the input. */
export function compileRegexMatcher(node: RegexNode): (input: string) => boolean {
  const builder = new NfaBuilder();
  const matchState = builder.add({ kind: 'match' });
  const start = builder.build(node, matchState);
  const { states } = builder;

  return (input) => {
    const codePoints = Array.from(input, (ch) => ch.codePointAt(0)!);
    const end = codePoints.length;
    let current: StepSet = { states: new Set(), seen: new Set() };
    for (let pos = 0; pos <= end; pos++) {
      // Re-entering the start state at every position makes the search unanchored.
      if (closure(start, pos, end, states, current)) return true;
      const cp = codePoints[pos];
      if (cp === undefined) break;
      const following: StepSet = { states: new Set(), seen: new Set() };
      for (const id of current.states) {
        const state = states[id]!;
        if (state.kind === 'char' && inRanges(cp, state.ranges)) {
          if (closure(state.next, pos + 1, end, states, following)) return true;
        }
      }
      current = following;
    }
    return false;
  };
}

/** The consuming states active at one input position, and every state already expanded there. */
interface StepSet {
  states: Set<number>;
  seen: Set<number>;
}

/** Adds the consuming states reachable from `from` to `into`; true if the match state is reached. */
function closure(
  from: number,
  pos: number,
  end: number,
  states: readonly State[],
  into: StepSet,
): boolean {
  const stack = [from];
  const { seen } = into;
  let reachedMatch = false;
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const state = states[id]!;
    if (state.kind === 'match') reachedMatch = true;
    else if (state.kind === 'char') into.states.add(id);
    else if (state.kind === 'split') stack.push(...state.next);
    else if (state.at === 'start' ? pos === 0 : pos === end) stack.push(state.next);
  }
  return reachedMatch;
}
