// `mylog dashboard export|import`: dashboards as code. Export writes the same document as
// GET /v1/dashboards/:id?format=json; import creates a dashboard from it (audited as cli).
import fs from 'node:fs/promises';
import { Value } from '@sinclair/typebox/value';
import { cliActor } from '../../modules/auth/auth-context.ts';
import { createUsersRepository } from '../../modules/auth/users.repository.ts';
import { createDashboardsRepository } from '../../modules/dashboards/dashboards.repository.ts';
import { DashboardDocument } from '../../modules/dashboards/dashboards.schemas.ts';
import {
  insertAudited,
  toDocument,
  toJson,
  validateSpec,
} from '../../modules/dashboards/dashboards.service.ts';
import { createOrgsRepository } from '../../modules/orgs/orgs.repository.ts';
import { CommandError, type Command } from '../command.ts';

async function orgIdOf(ctx: Parameters<Command['run']>[0], ref: string): Promise<string> {
  const org = await createOrgsRepository(ctx.db).findByRef(ref);
  if (!org) throw new CommandError('org_not_found', `no org ${ref}`);
  return org.id;
}

export const dashboardExportCommand: Command = {
  summary: 'Print (or write to --out) a dashboard as a JSON document for `dashboard import`',
  options: {
    org: { type: 'string', description: 'org id or slug', required: true },
    id: { type: 'string', description: 'dashboard id', required: true },
    out: { type: 'string', description: 'write the document to this file instead' },
  },
  needs: { postgres: true },
  async run(ctx, { values }) {
    const orgId = await orgIdOf(ctx, String(values.org));
    const id = String(values.id);
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await createDashboardsRepository(ctx.db).findInOrg(orgId, id)
      : undefined;
    if (!row) throw new CommandError('dashboard_not_found', `no dashboard ${id} in that org`);
    const doc = toDocument(toJson(row));
    if (values.out !== undefined) {
      await fs.writeFile(String(values.out), `${JSON.stringify(doc, null, 2)}\n`);
      return { written: String(values.out), name: doc.name };
    }
    return doc;
  },
  format(result) {
    return 'written' in result
      ? `wrote ${String((result as { written: string }).written)}`
      : JSON.stringify(result, null, 2);
  },
};

export const dashboardImportCommand: Command = {
  summary: 'Create a dashboard in an org from an exported JSON document',
  options: {
    org: { type: 'string', description: 'org id or slug', required: true },
    file: { type: 'string', description: 'the document (from dashboard export)', required: true },
    owner: { type: 'string', description: 'owner email (default: none, shared with the org)' },
  },
  needs: { postgres: true },
  async run(ctx, { values }) {
    const orgId = await orgIdOf(ctx, String(values.org));
    let doc: unknown;
    try {
      doc = JSON.parse(await fs.readFile(String(values.file), 'utf8'));
    } catch (error) {
      throw new CommandError(
        'invalid_file',
        `cannot read ${String(values.file)}: ${String(error)}`,
      );
    }
    if (!Value.Check(DashboardDocument, doc)) {
      const first = Value.Errors(DashboardDocument, doc).First();
      throw new CommandError(
        'invalid_dashboard',
        `not a dashboard document: ${first?.path ?? ''} ${first?.message ?? ''}`,
      );
    }
    let ownerId: string | null = null;
    if (values.owner !== undefined) {
      const user = await createUsersRepository(ctx.db).findByEmail(String(values.owner));
      if (!user) throw new CommandError('user_not_found', `no user ${String(values.owner)}`);
      ownerId = user.id;
    }
    const spec = { variables: doc.variables, panels: doc.panels };
    try {
      validateSpec(spec);
    } catch (error) {
      throw new CommandError('invalid_dashboard', (error as Error).message);
    }
    const visibility = ownerId === null ? 'org' : doc.visibility;
    const dashboard = await insertAudited(
      ctx.db,
      cliActor('dashboard import'),
      orgId,
      ownerId,
      { name: doc.name, description: doc.description, visibility, spec },
      'dashboard.import',
    );
    return { dashboard };
  },
  format(result) {
    const d = (result as { dashboard: { id: string; name: string } }).dashboard;
    return `imported "${d.name}" as ${d.id}`;
  },
};
