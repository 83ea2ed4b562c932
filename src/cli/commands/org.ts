import { createOrgsRepository } from '../../modules/orgs/orgs.repository.ts';
import { createOrg } from '../../modules/orgs/orgs.service.ts';
import { table, type Command } from '../command.ts';

export const orgCreateCommand: Command = {
  summary: 'Create an organisation (a tenant)',
  options: {
    name: { type: 'string', description: 'display name', required: true },
    slug: { type: 'string', description: 'URL identifier (default: from the name)' },
  },
  needs: { postgres: true },
  async run(ctx, { values }) {
    const org = await createOrg(ctx.db, {
      name: values.name as string,
      slug: values.slug as string | undefined,
    });
    return { org };
  },
  format(result) {
    const { org } = result as { org: { id: string; slug: string; name: string } };
    return `created org ${org.slug} (${org.id})`;
  },
};

export const orgListCommand: Command = {
  summary: 'List organisations',
  needs: { postgres: true },
  async run(ctx) {
    return { orgs: await createOrgsRepository(ctx.db).list() };
  },
  format(result) {
    const { orgs } = result as { orgs: Record<string, unknown>[] };
    return table(orgs, ['id', 'slug', 'name', 'created_at']);
  },
};
