// Schemas of /v1/alerts, /v1/alerts/:id/events and /v1/alert-silences.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';
import { MAX_GROUP_BY, Measure } from '../analytics/aggregate.schemas.ts';
import { MAX_QUERY_LENGTH_CHARS } from '../search/query-language/index.ts';

const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });
const Duration = Type.String({ minLength: 2, maxLength: 16, description: '30s, 5m, 1h, 1d' });
const FieldName = Type.String({ minLength: 1, maxLength: 200 });
export const ConditionOp = Type.Union(
  ['>', '>=', '<', '<=', '=', '!='].map((op) => Type.Literal(op)),
);
export const NoData = Type.Union(
  [Type.Literal('ok'), Type.Literal('no_data'), Type.Literal('firing'), Type.Literal('keep')],
  {
    description:
      'an empty window: ok, no_data (its own state, notified), firing (as if the condition held), keep (the last state)',
  },
);
export const AlertStateSchema = Type.Union([
  Type.Literal('ok'),
  Type.Literal('pending'),
  Type.Literal('firing'),
  Type.Literal('no_data'),
]);

const Condition = Type.Object(
  { op: ConditionOp, threshold: Type.Number() },
  { additionalProperties: false },
);

const Instance = Type.Object({
  group: Type.Record(Type.String(), Type.String()),
  state: AlertStateSchema,
  since: DateTime,
  value: Nullable(Type.Number()),
  flapping: Type.Boolean(),
});

export const AlertRule = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Type.String({ format: 'uuid' }),
  created_by: Nullable(Type.String({ format: 'uuid' })),
  name: Type.String(),
  q: Type.String(),
  apps: Type.Array(Type.String({ format: 'uuid' })),
  measure: Measure,
  group_by: Type.Array(Type.String()),
  condition: Condition,
  window: Type.String(),
  every: Type.String(),
  for: Type.String(),
  no_data: NoData,
  renotify: Nullable(Type.String()),
  channels: Type.Array(Type.String({ format: 'uuid' })),
  enabled: Type.Boolean(),
  muted_until: Nullable(DateTime),
  /** The worst state among its instances (firing > no_data > pending > ok). */
  state: AlertStateSchema,
  instances: Type.Array(Instance),
  last_eval_at: Nullable(DateTime),
  last_error: Nullable(Type.String()),
  created_at: DateTime,
  updated_at: DateTime,
});
export type AlertRuleJson = Static<typeof AlertRule>;

const Editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  q: Type.String({ maxLength: MAX_QUERY_LENGTH_CHARS }),
  apps: Type.Array(Ref, { maxItems: 100, description: 'app ids or slugs of the org; [] = all' }),
  measure: Measure,
  group_by: Type.Array(FieldName, { maxItems: MAX_GROUP_BY }),
  condition: Condition,
  window: Duration,
  every: Duration,
  for: Duration,
  no_data: NoData,
  renotify: Nullable(Duration),
  channels: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 20 }),
  enabled: Type.Boolean(),
  muted_until: Nullable(Type.String({ format: 'date-time' })),
};

export const CreateAlertBody = Type.Object(
  {
    org: Ref,
    name: Editable.name,
    q: Type.Optional(Editable.q),
    apps: Type.Optional(Editable.apps),
    measure: Type.Optional(Editable.measure),
    group_by: Type.Optional(Editable.group_by),
    condition: Editable.condition,
    window: Type.Optional(Editable.window),
    every: Type.Optional(Editable.every),
    for: Type.Optional(Editable.for),
    no_data: Type.Optional(Editable.no_data),
    renotify: Type.Optional(Editable.renotify),
    channels: Type.Optional(Editable.channels),
    enabled: Type.Optional(Editable.enabled),
  },
  { additionalProperties: false },
);
export type CreateAlertInput = Static<typeof CreateAlertBody>;

export const UpdateAlertBody = Type.Partial(Type.Object(Editable), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateAlertInput = Static<typeof UpdateAlertBody>;

export const AlertListQuery = Type.Object(
  { org: Type.Optional(Ref) },
  { additionalProperties: false },
);

export const AlertEvent = Type.Object({
  id: Type.Integer(),
  event_id: Type.String(),
  group: Type.Record(Type.String(), Type.String()),
  from: AlertStateSchema,
  to: AlertStateSchema,
  notification: Nullable(Type.String()),
  value: Nullable(Type.Number()),
  threshold: Type.Number(),
  window_from: DateTime,
  window_to: DateTime,
  silenced_by: Nullable(Type.String()),
  at: DateTime,
});
export const EventsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'next page: the last id seen' })),
  },
  { additionalProperties: false },
);

export const Silence = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Type.String({ format: 'uuid' }),
  rule_id: Nullable(Type.String({ format: 'uuid' })),
  matcher: Type.Record(Type.String(), Type.String()),
  starts_at: DateTime,
  ends_at: DateTime,
  comment: Type.String(),
  created_by: Nullable(Type.String({ format: 'uuid' })),
  created_at: DateTime,
});
export const CreateSilenceBody = Type.Object(
  {
    org: Ref,
    rule_id: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
    matcher: Type.Optional(
      Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 1000 }), {
        maxProperties: MAX_GROUP_BY,
        description: 'group values that must all match, e.g. {"host": "web-1"}; {} = every group',
      }),
    ),
    starts_at: Type.Optional(Type.String({ format: 'date-time', description: 'default now' })),
    ends_at: Type.String({ format: 'date-time' }),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export const SilenceListQuery = Type.Object(
  { org: Ref, active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
