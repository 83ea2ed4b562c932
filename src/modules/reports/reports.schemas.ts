// Schemas of the reports API; the report body itself is documented in docs/usage-and-reports.md.
import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';

const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });
export const ReportsParams = Type.Object({ org: Ref });
export const ReportFileParams = Type.Object({
  org: Ref,
  file: Type.String({
    pattern: '^\\d{4}-(0[1-9]|1[0-2])(\\.(json|pdf|csv))?$',
    description: 'YYYY-MM (JSON), YYYY-MM.pdf or YYYY-MM.csv (the per-end-user table)',
  }),
});

export const CreateReportBody = Type.Object(
  {
    month: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
        description: 'YYYY-MM; default: this month so far (partial)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ReportListItem = Type.Object({
  id: Type.String(),
  month: Type.String(),
  partial: Type.Boolean(),
  generated_at: DateTime,
  delivered_at: Nullable(DateTime),
});

export const ReportListResponse = Type.Object({ reports: Type.Array(ReportListItem) });

/** The report JSON (see docs/usage-and-reports.md for every field). */
export const ReportJson = Type.Object(
  {
    org: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }),
    month: Type.String(),
    partial: Type.Boolean(),
    currency: Type.String(),
    totals: Type.Object(
      { records: Type.Integer(), bytes: Type.Integer(), cost_minor: Type.Integer() },
      { additionalProperties: true },
    ),
    apps: Type.Array(Type.Object({}, { additionalProperties: true })),
    end_users: Type.Array(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

export const CreateReportResponse = Type.Object({
  created: Type.Boolean({
    description: 'false: the final report existed already and is returned as it was',
  }),
  report: ReportJson,
});

export const SpendResponse = Type.Object({
  spend: Type.Object({
    month: Type.String(),
    currency: Type.String(),
    minor_digits: Type.Integer(),
    to_date_minor: Type.Integer(),
    projected_minor: Type.Integer(),
    elapsed_ratio: Type.Number(),
  }),
});
