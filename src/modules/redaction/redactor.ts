// Rules → a RowRedactor for one app. Compiled once per rule set (the rules cache keeps the result),
// applied to every row of every ingest format. Custom patterns run on re2js (linear time in the
// input, no backtracking), and every record has a scan budget (REDACTION_MAX_SCAN_CHARS_PER_RECORD):
// a record that would need more is rejected rather than stored unscanned.
import { createHmac } from 'node:crypto';
import { RE2JS } from 're2js';
import { RecordRejection } from '../ingest/decode/ingest-errors.ts';
import type { CanonicalRow } from '../ingest/decode/normalise-record.ts';
import { DROP_RECORD, type RowRedactor } from '../ingest/decode/row-redactor.ts';
import { PRESETS, type PresetName } from './redaction-presets.ts';
import type { RedactionAction, REDACTION_SCOPE_NAMES } from './redaction-vocabulary.ts';

export type RedactionScope = (typeof REDACTION_SCOPE_NAMES)[number] | { attributes: string[] };
export type { RedactionAction };
export type RedactionDetector = { preset: PresetName } | { pattern: string };

export interface RedactionRuleSpec {
  id: string;
  name: string;
  detector: RedactionDetector;
  scope: RedactionScope;
  action: RedactionAction;
  /** partial: characters kept at the end of each match. */
  keep?: number | null;
  enabled: boolean;
}

export interface RedactorOptions {
  /** The key of hash actions (the app's org mixes into it, so hashes never join across orgs). */
  hashKey: string;
  orgId: string;
  maxScanCharsPerRecord: number;
}

/** Per-rule counts since the last drain, for metrics and the tenant's ingest health. */
export interface RuleCounts {
  records: number;
  values: number;
}

type Span = [start: number, end: number];

interface CompiledRule {
  readonly spec: RedactionRuleSpec;
  readonly label: string;
  readonly spans: (text: string) => Span[];
  readonly message: boolean;
  readonly attributes: boolean;
  /** Only these attribute keys (scope {attributes: [...]}); undefined = every key. */
  readonly keys: ReadonlySet<string> | undefined;
  readonly counts: RuleCounts;
}

/** The re2js program of a custom pattern; throws RE2JSSyntaxException when it does not parse. */
export function compilePattern(pattern: string): RE2JS {
  return RE2JS.compile(pattern);
}

function presetSpans(name: PresetName): (text: string) => Span[] {
  const preset = PRESETS[name];
  return (text) => {
    if (!preset.mayContain(text)) return [];
    const found: Span[] = [];
    const regex = preset.regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      if (preset.valid === undefined || preset.valid(m[0]))
        found.push([m.index, m.index + m[0].length]);
    }
    return found;
  };
}

function patternSpans(pattern: string): (text: string) => Span[] {
  const program = compilePattern(pattern);
  return (text) => {
    const found: Span[] = [];
    const matcher = program.matcher(text);
    while (matcher.find()) {
      const start = matcher.start();
      const end = matcher.end();
      if (end > start) found.push([start, end]);
    }
    return found;
  };
}

function compileRule(spec: RedactionRuleSpec): CompiledRule {
  const { scope, detector } = spec;
  const keys = typeof scope === 'object' ? new Set(scope.attributes) : undefined;
  return {
    spec,
    label: 'preset' in detector ? detector.preset : spec.name,
    spans: 'preset' in detector ? presetSpans(detector.preset) : patternSpans(detector.pattern),
    message: scope === 'message' || scope === 'all',
    attributes: scope !== 'message',
    keys,
    counts: { records: 0, values: 0 },
  };
}

/** What one rule does to one value: the new text, or undefined when nothing matched. */
function rewrite(rule: CompiledRule, text: string, spans: Span[], hashKey: Buffer): string {
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    const found = text.slice(start, end);
    out += text.slice(at, start) + replacement(rule, found, hashKey);
    at = end;
  }
  return out + text.slice(at);
}

function replacement(rule: CompiledRule, found: string, hashKey: Buffer): string {
  switch (rule.spec.action) {
    case 'partial': {
      const keep = Math.min(rule.spec.keep ?? 4, found.length);
      return '*'.repeat(found.length - keep) + found.slice(found.length - keep);
    }
    case 'hash':
      return `[HASH:${createHmac('sha256', hashKey).update(found).digest('hex').slice(0, 16)}]`;
    default:
      // mask; and drop_attribute where there is no attribute to drop (the message).
      return `[REDACTED:${rule.label}]`;
  }
}

class Budget {
  constructor(private left: number) {}
  /** Charges a scan of `text`; false once the record is over its budget. */
  charge(text: string): boolean {
    this.left -= text.length;
    return this.left >= 0;
  }
}

const OVER_BUDGET = Symbol('over_budget');

export class Redactor implements RowRedactor {
  private readonly rules: CompiledRule[];
  private readonly hashKey: Buffer;

  constructor(
    specs: readonly RedactionRuleSpec[],
    private readonly options: RedactorOptions,
  ) {
    this.rules = specs.filter((s) => s.enabled).map(compileRule);
    this.hashKey = createHmac('sha256', options.hashKey).update(options.orgId).digest();
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** Counts since the last drain by rule id; resets them. */
  /** By rule id, with the rule's name (what the tenant's dashboard shows). */
  drainCounts(): Map<string, RuleCounts & { name: string }> {
    const out = new Map<string, RuleCounts & { name: string }>();
    for (const rule of this.rules) {
      if (rule.counts.records === 0 && rule.counts.values === 0) continue;
      out.set(rule.spec.id, { ...rule.counts, name: rule.spec.name });
      rule.counts.records = 0;
      rule.counts.values = 0;
    }
    return out;
  }

  mayChange(values: readonly string[]): boolean {
    const budget = new Budget(this.options.maxScanCharsPerRecord);
    for (const rule of this.rules) {
      for (const value of values) {
        if (!budget.charge(value)) return true;
        if (rule.spans(value).length > 0) return true;
      }
    }
    return false;
  }

  redactRow(row: CanonicalRow): CanonicalRow | RecordRejection | typeof DROP_RECORD {
    const budget = new Budget(this.options.maxScanCharsPerRecord);
    let current = row;
    for (const rule of this.rules) {
      const next = this.applyRule(rule, current, budget);
      if (next === OVER_BUDGET) {
        return new RecordRejection(
          'redaction_limit_exceeded',
          `redaction rules would scan more than ${this.options.maxScanCharsPerRecord} characters of this record`,
        );
      }
      if (next === DROP_RECORD) {
        rule.counts.records++;
        rule.counts.values++;
        return DROP_RECORD;
      }
      current = next;
    }
    return current;
  }

  /** One rule over one row; the row is copied only when the rule changes it. */
  private applyRule(
    rule: CompiledRule,
    row: CanonicalRow,
    budget: Budget,
  ): CanonicalRow | typeof DROP_RECORD | typeof OVER_BUDGET {
    let values = 0;
    let message = row.message;
    let userId = row.user_id;
    const dropRecord = rule.spec.action === 'drop_record';
    const scan = (text: string): string | undefined | typeof OVER_BUDGET => {
      if (!budget.charge(text)) return OVER_BUDGET;
      const spans = rule.spans(text);
      if (spans.length === 0) return undefined;
      values++;
      return dropRecord ? text : rewrite(rule, text, spans, this.hashKey);
    };
    if (rule.message) {
      const changed = scan(message);
      if (changed === OVER_BUDGET) return OVER_BUDGET;
      if (changed !== undefined) message = changed;
    }
    let attributes = row.attributes;
    let resource = row.resource;
    if (rule.attributes) {
      const a = this.applyToMap(rule, attributes, scan);
      if (a === OVER_BUDGET) return OVER_BUDGET;
      const r = this.applyToMap(rule, resource, scan);
      if (r === OVER_BUDGET) return OVER_BUDGET;
      attributes = a;
      resource = r;
    }
    // user_id is an attribute that a column took: scope "all" or naming it covers it.
    if ((rule.message && rule.attributes) || rule.keys?.has('user_id') === true) {
      if (userId !== '') {
        const changed = scan(userId);
        if (changed === OVER_BUDGET) return OVER_BUDGET;
        if (changed !== undefined) userId = rule.spec.action === 'drop_attribute' ? '' : changed;
      }
    }
    if (values === 0) return row;
    if (dropRecord) return DROP_RECORD;
    rule.counts.records++;
    rule.counts.values += values;
    return { ...row, message, attributes, resource, user_id: userId };
  }

  private applyToMap(
    rule: CompiledRule,
    map: Readonly<Record<string, string>>,
    scan: (text: string) => string | undefined | typeof OVER_BUDGET,
  ): Readonly<Record<string, string>> | typeof OVER_BUDGET {
    let copy: Record<string, string> | undefined;
    for (const key in map) {
      if (rule.keys !== undefined && !rule.keys.has(key)) continue;
      const changed = scan(map[key] as string);
      if (changed === OVER_BUDGET) return OVER_BUDGET;
      if (changed === undefined) continue;
      copy ??= Object.assign(Object.create(null) as Record<string, string>, map);
      if (rule.spec.action === 'drop_attribute') delete copy[key];
      else copy[key] = changed;
    }
    return copy ?? map;
  }
}
