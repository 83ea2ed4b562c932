import { cliActor } from '../../modules/auth/auth-context.ts';
import { isMembershipRole } from '../../modules/auth/roles.ts';
import { createUsersRepository } from '../../modules/auth/users.repository.ts';
import { addMember, changeMemberRole } from '../../modules/members/members.service.ts';
import { createOrgsRepository } from '../../modules/orgs/orgs.repository.ts';
import { CommandError, type Command } from '../command.ts';

export const memberAddCommand: Command = {
  summary: 'Give a user (created if needed) a role in an org; changes the role if already a member',
  options: {
    org: { type: 'string', description: 'org id or slug', required: true },
    email: { type: 'string', description: 'user email', required: true },
    role: { type: 'string', description: 'owner | admin | member | viewer', required: true },
  },
  needs: { postgres: true },
  async run(ctx, { values }) {
    const role = String(values.role);
    if (!isMembershipRole(role))
      throw new CommandError('invalid_role', '--role must be owner, admin, member or viewer');
    const org = await createOrgsRepository(ctx.db).findByRef(String(values.org));
    if (!org)
      throw new CommandError('org_not_found', `no org with id or slug "${String(values.org)}"`);
    // The CLI has database access, so it acts with the org's highest role.
    const scope = { orgId: org.id, role: 'owner' as const };
    const actor = cliActor('member add');
    const user = await createUsersRepository(ctx.db).findByEmail(String(values.email));
    const current = user
      ? await ctx.db
          .selectFrom('memberships')
          .select('role')
          .where('org_id', '=', org.id)
          .where('user_id', '=', user.id)
          .executeTakeFirst()
      : undefined;
    const member =
      user && current
        ? await changeMemberRole(ctx.db, actor, scope, user.id, role)
        : await addMember(ctx.db, actor, scope, { email: String(values.email), role });
    return { org: { id: org.id, slug: org.slug }, member };
  },
  format(result) {
    const r = result as { org: { slug: string }; member: { email: string; role: string } };
    return `${r.member.email} is ${r.member.role} of ${r.org.slug}`;
  },
};
