// Schemas of /v1/dashboards. A panel's `query` is an aggregate body (analytics/aggregate.schemas.ts)
// for chart panels, `{ q, apps }` for a logs panel, `{ source: 'ingest', metric, … }` for the
// built-in Ingest health panels, and absent for markdown; the service checks it per type.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';

export const PANEL_TYPES = [
  'timeseries',
  'top_list',
  'table',
  'stat',
  'pie',
  'logs',
  'markdown',
] as const;
export type PanelType = (typeof PANEL_TYPES)[number];

export const MAX_PANELS = 50;
export const MAX_VARIABLES = 10;
export const GRID_COLUMNS = 12;

const Visibility = Type.Union([Type.Literal('private'), Type.Literal('org')], {
  description: 'private: only the owner sees it; org: every member of the org',
});
const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });

export const Variable = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,39}$' }),
    field: Type.String({ minLength: 1, maxLength: 200 }),
    default: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const Layout = Type.Object(
  {
    x: Type.Integer({ minimum: 0, maximum: GRID_COLUMNS - 1 }),
    y: Type.Integer({ minimum: 0, maximum: 10_000 }),
    w: Type.Integer({ minimum: 1, maximum: GRID_COLUMNS }),
    h: Type.Integer({ minimum: 1, maximum: 50 }),
  },
  { additionalProperties: false },
);

export const Panel = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    title: Type.String({ maxLength: 200 }),
    type: Type.Union(PANEL_TYPES.map((p) => Type.Literal(p))),
    query: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    layout: Layout,
    options: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'per type: timeseries {style: line|area|bars, stacked}, markdown {text}, logs {live}, stat {unit}',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Panel = Static<typeof Panel>;

const SpecFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 2000 }),
  visibility: Visibility,
  variables: Type.Array(Variable, { maxItems: MAX_VARIABLES }),
  panels: Type.Array(Panel, { maxItems: MAX_PANELS }),
};

export const Dashboard = Type.Object({
  id: Type.String(),
  org_id: Type.String({ format: 'uuid' }),
  owner_user_id: Nullable(Type.String({ format: 'uuid' })),
  ...SpecFields,
  version: Type.Integer(),
  builtin: Nullable(Type.String({ description: 'overview | ingest_health for built-ins' })),
  created_at: Nullable(DateTime),
  updated_at: Nullable(DateTime),
});
export type DashboardJson = Static<typeof Dashboard>;

export const DashboardSummary = Type.Omit(Dashboard, ['variables', 'panels']);

export const CreateDashboardBody = Type.Object(
  {
    org: Ref,
    name: SpecFields.name,
    description: Type.Optional(SpecFields.description),
    visibility: Type.Optional(SpecFields.visibility),
    variables: Type.Optional(SpecFields.variables),
    panels: Type.Optional(SpecFields.panels),
  },
  { additionalProperties: false },
);
export type CreateDashboardBody = Static<typeof CreateDashboardBody>;

export const UpdateDashboardBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'the version you read; a stale one is 409' }),
    name: Type.Optional(SpecFields.name),
    description: Type.Optional(SpecFields.description),
    visibility: Type.Optional(SpecFields.visibility),
    variables: Type.Optional(SpecFields.variables),
    panels: Type.Optional(SpecFields.panels),
  },
  { additionalProperties: false },
);
export type UpdateDashboardBody = Static<typeof UpdateDashboardBody>;

/** Dashboards as code: what export writes and import reads, nothing instance-specific. */
export const DashboardDocument = Type.Object(
  {
    mylog_dashboard: Type.Literal(1),
    ...SpecFields,
  },
  { additionalProperties: false },
);
export type DashboardDocument = Static<typeof DashboardDocument>;

export const ImportDashboardBody = Type.Object(
  { org: Ref, dashboard: DashboardDocument },
  { additionalProperties: false },
);

export const DashboardParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const BuiltinParams = Type.Object({
  name: Type.Union([Type.Literal('overview'), Type.Literal('ingest_health')]),
});
export const DashboardListQuery = Type.Object(
  { org: Type.Optional(Ref) },
  { additionalProperties: false },
);
export const DashboardGetQuery = Type.Object(
  { format: Type.Optional(Type.Literal('json')) },
  { additionalProperties: false },
);
export const BuiltinQuery = Type.Object({ org: Ref }, { additionalProperties: false });
