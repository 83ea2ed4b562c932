// A stored rule ↔ its API form ↔ what the redactor compiles.
import type { Static } from '@sinclair/typebox';
import type { RedactionRuleRow } from './redaction.repository.ts';
import type { RedactionRule } from './redaction.schemas.ts';
import type {
  RedactionAction,
  RedactionDetector,
  RedactionRuleSpec,
  RedactionScope,
} from './redactor.ts';

export type RedactionRuleJson = Static<typeof RedactionRule>;

export function specOf(row: RedactionRuleRow): RedactionRuleSpec {
  return {
    id: row.id,
    name: row.name,
    detector: row.detector as RedactionDetector,
    scope: row.scope as RedactionScope,
    action: row.action as RedactionAction,
    keep: row.keep,
    enabled: row.enabled,
  };
}

export function toJson(row: RedactionRuleRow): RedactionRuleJson {
  const spec = specOf(row);
  return {
    id: row.id,
    org_id: row.org_id,
    app_id: row.app_id,
    name: spec.name,
    detector: spec.detector,
    scope: spec.scope,
    action: spec.action,
    keep: row.keep,
    enabled: row.enabled,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
