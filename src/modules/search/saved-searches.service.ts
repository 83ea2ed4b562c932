// Saved searches: members and up save and edit; the owner edits their own, admins also edit or
// delete what is shared with the org. Every change is audited in the same transaction.
import type { Static } from '@sinclair/typebox';
import { ForbiddenError, NotFoundError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor, AuthContext } from '../auth/auth-context.ts';
import { readableApps, requireOrgRole, type AuthorizedOrg } from '../auth/authorize.ts';
import { roleAtLeast } from '../auth/roles.ts';
import {
  createSavedSearchesRepository,
  type SavedSearchFields,
  type SavedSearchRow,
  type Viewer,
} from './saved-searches.repository.ts';
import type {
  CreateSavedSearchBody,
  SavedSearch,
  UpdateSavedSearchBody,
} from './saved-searches.schemas.ts';
import { parseFilter } from './search-filter.ts';
import { resolveRange } from './time-range.ts';

export type SavedSearchJson = Static<typeof SavedSearch>;

export function toJson(row: SavedSearchRow): SavedSearchJson {
  return {
    id: row.id,
    org_id: row.org_id,
    owner_user_id: row.owner_user_id,
    name: row.name,
    query: row.query,
    from: row.time_from,
    to: row.time_to,
    apps: row.app_ids,
    visibility: row.visibility,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function viewerOf(auth: AuthContext, orgIds?: readonly string[]): Viewer {
  return { orgIds: orgIds ?? auth.memberships.map((m) => m.orgId), userId: auth.user.id };
}

/** Refuses what a search could not run: a bad query (400 with position) or a bad range. */
function validateSearch(query: string, from: string | null, to: string | null): void {
  parseFilter(query);
  if (from !== null || to !== null) resolveRange(from ?? undefined, to ?? undefined);
}

async function appIdsIn(
  db: Db,
  auth: AuthContext,
  org: AuthorizedOrg,
  refs: string[],
): Promise<string[]> {
  if (refs.length === 0) return [];
  const apps = await readableApps(db, auth, { appRefs: refs, orgRef: org.orgId });
  return apps.map((a) => a.id);
}

export async function createSavedSearch(
  db: Db,
  auth: AuthContext,
  actor: AuditActor,
  body: Static<typeof CreateSavedSearchBody>,
): Promise<SavedSearchJson> {
  const org = await requireOrgRole(db, auth, body.org, 'member');
  const fields: SavedSearchFields = {
    name: body.name,
    query: body.query ?? '',
    timeFrom: body.from ?? null,
    timeTo: body.to ?? null,
    appIds: await appIdsIn(db, auth, org, body.apps ?? []),
    visibility: body.visibility ?? 'private',
  };
  validateSearch(fields.query, fields.timeFrom, fields.timeTo);
  const row = await db.transaction().execute(async (trx) => {
    const created = await createSavedSearchesRepository(trx).insert(
      org.orgId,
      auth.user.id,
      fields,
    );
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'saved_search.create',
      targetType: 'saved_search',
      targetId: created.id,
      after: toJson(created),
    });
    return created;
  });
  return toJson(row);
}

/** The row if the caller may change it: 404 if they cannot see it, 403 if they only see it. */
async function editable(
  db: Db,
  auth: AuthContext,
  id: string,
): Promise<{ row: SavedSearchRow; org: AuthorizedOrg }> {
  const row = await createSavedSearchesRepository(db).findVisible(viewerOf(auth), id);
  if (!row) throw new NotFoundError('saved search');
  const org = await requireOrgRole(db, auth, row.org_id, 'member');
  const mine = row.owner_user_id === auth.user.id;
  if (!mine && !(row.visibility === 'org' && roleAtLeast(org.role, 'admin'))) {
    throw new ForbiddenError(
      'not_owner',
      'only the owner (or an org admin, for shared searches) can change this',
    );
  }
  return { row, org };
}

export async function updateSavedSearch(
  db: Db,
  auth: AuthContext,
  actor: AuditActor,
  id: string,
  body: Static<typeof UpdateSavedSearchBody>,
): Promise<SavedSearchJson> {
  const { row, org } = await editable(db, auth, id);
  const fields: Partial<SavedSearchFields> = {
    name: body.name,
    query: body.query,
    timeFrom: body.from,
    timeTo: body.to,
    visibility: body.visibility,
    appIds: body.apps === undefined ? undefined : await appIdsIn(db, auth, org, body.apps),
  };
  validateSearch(
    fields.query ?? row.query,
    fields.timeFrom === undefined ? row.time_from : fields.timeFrom,
    fields.timeTo === undefined ? row.time_to : fields.timeTo,
  );
  const updated = await db.transaction().execute(async (trx) => {
    const after = await createSavedSearchesRepository(trx).update(org.orgId, id, fields);
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'saved_search.update',
      targetType: 'saved_search',
      targetId: id,
      before: toJson(row),
      after: toJson(after),
    });
    return after;
  });
  return toJson(updated);
}

export async function deleteSavedSearch(
  db: Db,
  auth: AuthContext,
  actor: AuditActor,
  id: string,
): Promise<SavedSearchJson> {
  const { row, org } = await editable(db, auth, id);
  await db.transaction().execute(async (trx) => {
    await createSavedSearchesRepository(trx).delete(org.orgId, id);
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'saved_search.delete',
      targetType: 'saved_search',
      targetId: id,
      before: toJson(row),
    });
  });
  return toJson(row);
}
