// Schemas of /v1/orgs/:org/redaction-rules and /v1/apps/:app/redaction-rules.
import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';
import { PRESET_NAMES, REDACTION_ACTIONS, REDACTION_SCOPE_NAMES } from './redaction-vocabulary.ts';

/** Longest custom pattern; re2js compiles it once per rule set. */
export const MAX_PATTERN_CHARS = 1_000;

const Detector = Type.Union([
  Type.Object(
    { preset: Type.Union(PRESET_NAMES.map((p) => Type.Literal(p))) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      pattern: Type.String({
        minLength: 1,
        maxLength: MAX_PATTERN_CHARS,
        description: 'RE2 syntax (linear time: no backreferences or lookaround)',
      }),
    },
    { additionalProperties: false },
  ),
]);
const Scope = Type.Union([
  ...REDACTION_SCOPE_NAMES.map((s) => Type.Literal(s)),
  Type.Object(
    {
      attributes: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
        minItems: 1,
        maxItems: 50,
      }),
    },
    { additionalProperties: false },
  ),
]);
const Action = Type.Union(REDACTION_ACTIONS.map((a) => Type.Literal(a)));

const Editable = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  detector: Detector,
  scope: Scope,
  action: Action,
  keep: Nullable(
    Type.Integer({ minimum: 0, maximum: 32, description: 'partial: characters kept at the end' }),
  ),
  enabled: Type.Boolean(),
};

export const RedactionRule = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Type.String({ format: 'uuid' }),
  app_id: Nullable(Type.String({ format: 'uuid' })),
  ...Editable,
  created_at: DateTime,
  updated_at: DateTime,
});

export const CreateRedactionRuleBody = Type.Object(
  {
    name: Editable.name,
    detector: Editable.detector,
    scope: Type.Optional(Editable.scope),
    action: Editable.action,
    keep: Type.Optional(Editable.keep),
    enabled: Type.Optional(Editable.enabled),
  },
  { additionalProperties: false },
);

export const UpdateRedactionRuleBody = Type.Partial(Type.Object(Editable), {
  additionalProperties: false,
  minProperties: 1,
});

export const PreviewBody = Type.Object(
  {
    rule: CreateRedactionRuleBody,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

const PreviewRecord = Type.Object({
  id: Type.String(),
  ts: Type.String(),
  before: Type.Object({
    message: Type.String(),
    attributes: Type.Record(Type.String(), Type.String()),
  }),
  after: Nullable(
    Type.Object({ message: Type.String(), attributes: Type.Record(Type.String(), Type.String()) }),
  ),
});

export const PreviewResult = Type.Object({
  sampled: Type.Integer(),
  matched: Type.Integer(),
  records: Type.Array(PreviewRecord, { description: 'the sampled records the rule changes' }),
});

export const OrgParams = Type.Object({ org: Type.String({ minLength: 1, maxLength: 100 }) });
export const AppParams = Type.Object({ app: Type.String({ minLength: 1, maxLength: 100 }) });
export const OrgRuleParams = Type.Object({
  org: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ format: 'uuid' }),
});
export const AppRuleParams = Type.Object({
  app: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ format: 'uuid' }),
});
