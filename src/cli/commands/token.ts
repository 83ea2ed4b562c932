import { createApiToken } from '../../modules/auth/api-tokens.service.ts';
import { cliActor } from '../../modules/auth/auth-context.ts';
import { createUsersRepository } from '../../modules/auth/users.repository.ts';
import { CommandError, type Command } from '../command.ts';

export const tokenCreateCommand: Command = {
  summary: 'Create an API token for a user and print it (shown once)',
  options: {
    email: { type: 'string', description: 'the user the token acts as', required: true },
    scope: { type: 'string', description: 'read | admin', required: true },
    name: { type: 'string', description: 'label (default: cli)' },
    'expires-in-days': {
      type: 'string',
      description: 'lifetime in days (default: API_TOKEN_MAX_TTL_DAYS)',
    },
  },
  needs: { postgres: true },
  async run(ctx, { values }) {
    const scope = String(values.scope);
    if (scope !== 'read' && scope !== 'admin')
      throw new CommandError('invalid_scope', '--scope must be read or admin');
    const user = await createUsersRepository(ctx.db).findByEmail(String(values.email));
    if (!user)
      throw new CommandError(
        'user_not_found',
        `no user ${String(values.email)} (see: mylog member add)`,
      );
    const days =
      values['expires-in-days'] === undefined ? undefined : Number(values['expires-in-days']);
    const created = await createApiToken(
      ctx.db,
      ctx.config,
      cliActor('token create'),
      { userId: user.id },
      {
        name: values.name === undefined ? 'cli' : String(values.name),
        scope,
        expiresInDays: days,
      },
    );
    return { token: created.token, record: created.record };
  },
  format(result) {
    const r = result as { token: string; record: { expires_at: Date | null } };
    return [
      `API token (shown once, store it now): ${r.token}`,
      `expires: ${r.record.expires_at ? new Date(r.record.expires_at).toISOString() : 'never'}`,
      `try: curl -H 'Authorization: Bearer ${r.token}' <mylog>/v1/me`,
    ].join('\n');
  },
};
