// Dashboards: members and up create; the owner changes their own, org admins also change what is
// shared with the org (the saved-search rules). Every change is audited in its transaction.
// Updates carry the version they read: a stale one is a 409, so two editors never silently
// overwrite each other. Panels are checked on the way in: each query must be one its panel can
// run (an aggregate body, a logs query, or an ingest-stats query), with `$variables` filled by
// their defaults, so a saved dashboard never holds a query that would fail when opened.
import { Value } from '@sinclair/typebox/value';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { AggregateBody } from '../analytics/aggregate.schemas.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor, AuthContext } from '../auth/auth-context.ts';
import { requireOrgRole, type AuthorizedOrg } from '../auth/authorize.ts';
import { roleAtLeast } from '../auth/roles.ts';
import { parseFilter } from '../search/search-filter.ts';
import { viewerOf } from '../search/saved-searches.service.ts';
import { IngestStatsQuery } from '../ingest-stats/ingest-stats.schemas.ts';
import {
  createDashboardsRepository,
  type DashboardFields,
  type DashboardRow,
} from './dashboards.repository.ts';
import type {
  CreateDashboardBody,
  DashboardDocument,
  DashboardJson,
  Panel,
  UpdateDashboardBody,
} from './dashboards.schemas.ts';
import { fillVariables, type DashboardVariable } from './dashboard-variables.ts';

interface Spec {
  variables: DashboardVariable[];
  panels: Panel[];
}

export function toJson(row: DashboardRow): DashboardJson {
  const spec = row.spec as Spec;
  return {
    id: row.id,
    org_id: row.org_id,
    owner_user_id: row.owner_user_id,
    name: row.name,
    description: row.description,
    visibility: row.visibility,
    variables: spec.variables,
    panels: spec.panels,
    version: row.version,
    builtin: null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The portable document: export writes it, import reads it back unchanged. */
export function toDocument(d: DashboardJson): DashboardDocument {
  return {
    mylog_dashboard: 1,
    name: d.name,
    description: d.description,
    visibility: d.visibility,
    variables: d.variables,
    panels: d.panels,
  };
}

const LogsQuery = AggregateBody.properties.q;

function invalidPanel(panel: Panel, message: string): BadRequestError {
  return new BadRequestError('invalid_panel', `panel ${panel.id}: ${message}`, { panel: panel.id });
}

/** Refuses a spec a dashboard could not show: duplicate ids, or a query its panel cannot run. */
export function validateSpec(spec: Spec): void {
  const names = new Set<string>();
  for (const v of spec.variables) {
    if (names.has(v.name))
      throw new BadRequestError('invalid_variable', `variable ${v.name} twice`);
    names.add(v.name);
  }
  const ids = new Set<string>();
  for (const panel of spec.panels) {
    if (ids.has(panel.id)) throw invalidPanel(panel, 'the id is used twice');
    ids.add(panel.id);
    if (panel.layout.x + panel.layout.w > 12) throw invalidPanel(panel, 'wider than the grid');
    if (panel.type === 'markdown') continue;
    const query = panel.query ?? {};
    if (panel.type === 'logs') {
      if (query.q !== undefined && !Value.Check(LogsQuery, query.q)) {
        throw invalidPanel(panel, 'q must be a query string');
      }
    } else if (query.source === 'ingest') {
      if (!Value.Check(IngestStatsQuery, query)) {
        throw invalidPanel(panel, 'not an ingest stats query');
      }
      continue;
    } else if (!Value.Check(AggregateBody, query)) {
      const first = Value.Errors(AggregateBody, query).First();
      throw invalidPanel(panel, `query ${first?.path ?? ''} ${first?.message ?? 'is invalid'}`);
    }
    if (typeof query.q === 'string') parseFilter(fillVariables(query.q, spec.variables, {}));
  }
}

function fieldsOf(
  body: { name: string; description?: string; visibility?: 'private' | 'org' } & Partial<Spec>,
  base?: DashboardJson,
): DashboardFields {
  const spec: Spec = {
    variables: body.variables ?? base?.variables ?? [],
    panels: body.panels ?? base?.panels ?? [],
  };
  validateSpec(spec);
  return {
    name: body.name,
    description: body.description ?? base?.description ?? '',
    visibility: body.visibility ?? base?.visibility ?? 'private',
    spec,
  };
}

export async function createDashboard(
  db: Db,
  auth: AuthContext,
  actor: AuditActor,
  body: CreateDashboardBody,
  action = 'dashboard.create',
): Promise<DashboardJson> {
  const org = await requireOrgRole(db, auth, body.org, 'member');
  const fields = fieldsOf(body);
  return insertAudited(db, actor, org.orgId, auth.user.id, fields, action);
}

export async function insertAudited(
  db: Db,
  actor: AuditActor,
  orgId: string,
  ownerUserId: string | null,
  fields: DashboardFields,
  action: string,
): Promise<DashboardJson> {
  const row = await db.transaction().execute(async (trx) => {
    const created = await createDashboardsRepository(trx).insert(orgId, ownerUserId, fields);
    await appendAudit(trx, actor, {
      orgId,
      action,
      targetType: 'dashboard',
      targetId: created.id,
      after: toJson(created),
    });
    return created;
  });
  return toJson(row);
}

/** Import: the document as exported, into an org (a new dashboard, audited as an import). */
export async function importDashboard(
  db: Db,
  auth: AuthContext,
  actor: AuditActor,
  org: string,
  doc: DashboardDocument,
): Promise<DashboardJson> {
  const { mylog_dashboard: _format, ...rest } = doc;
  return createDashboard(db, auth, actor, { org, ...rest }, 'dashboard.import');
}

/** The row if the caller may change it: 404 if they cannot see it, 403 if they only see it. */
async function editable(
  db: Db,
  auth: AuthContext,
  id: string,
): Promise<{ row: DashboardRow; org: AuthorizedOrg }> {
  const row = await createDashboardsRepository(db).findVisible(viewerOf(auth), id);
  if (!row) throw new NotFoundError('dashboard');
  const org = await requireOrgRole(db, auth, row.org_id, 'member');
  const mine = row.owner_user_id === auth.user.id;
  if (!mine && !(row.visibility === 'org' && roleAtLeast(org.role, 'admin'))) {
    throw new ForbiddenError(
      'not_owner',
      'only the owner (or an org admin, for shared dashboards) can change this',
    );
  }
  return { row, org };
}

export async function updateDashboard(
  db: Db,
  auth: AuthContext,
  actor: AuditActor,
  id: string,
  body: UpdateDashboardBody,
): Promise<DashboardJson> {
  const { row, org } = await editable(db, auth, id);
  const before = toJson(row);
  const stale = () =>
    new ConflictError(
      'version_conflict',
      'someone changed this dashboard since you opened it: reload it and apply your change again',
      { version: body.version },
    );
  if (row.version !== body.version) throw stale();
  const fields = fieldsOf({ ...body, name: body.name ?? row.name }, before);
  const updated = await db.transaction().execute(async (trx) => {
    const after = await createDashboardsRepository(trx).update(org.orgId, id, body.version, fields);
    if (!after) throw stale();
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'dashboard.update',
      targetType: 'dashboard',
      targetId: id,
      before,
      after: toJson(after),
    });
    return after;
  });
  return toJson(updated);
}

export async function deleteDashboard(
  db: Db,
  auth: AuthContext,
  actor: AuditActor,
  id: string,
): Promise<DashboardJson> {
  const { row, org } = await editable(db, auth, id);
  await db.transaction().execute(async (trx) => {
    await createDashboardsRepository(trx).delete(org.orgId, id);
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'dashboard.delete',
      targetType: 'dashboard',
      targetId: id,
      before: toJson(row),
    });
  });
  return toJson(row);
}
