import { cliActor } from '../../modules/auth/auth-context.ts';
import { hashPassword } from '../../modules/auth/password-hash.ts';
import { createUsersRepository, publicUser } from '../../modules/auth/users.repository.ts';
import { appendAudit } from '../../modules/audit/audit.repository.ts';
import { CommandError, type Command } from '../command.ts';

const MIN_PASSWORD_LENGTH = 12;

export const adminCreateCommand: Command = {
  summary:
    'Create (or reset the password of) a local platform admin who signs in with POST /auth/local',
  options: {
    email: { type: 'string', description: 'login email', required: true },
    password: {
      type: 'string',
      description: `at least ${MIN_PASSWORD_LENGTH} characters`,
      required: true,
    },
  },
  needs: { postgres: true },
  async run(ctx, { values }) {
    const email = String(values.email);
    const password = String(values.password);
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new CommandError(
        'weak_password',
        `--password must be at least ${MIN_PASSWORD_LENGTH} characters`,
      );
    }
    const passwordHash = await hashPassword(password);
    const user = await ctx.db.transaction().execute(async (trx) => {
      const users = createUsersRepository(trx);
      const existing = await users.findByEmail(email);
      const saved = existing
        ? await users.update(existing.id, { password_hash: passwordHash, platform_admin: true })
        : await users.create({ email, passwordHash, platformAdmin: true });
      await appendAudit(trx, cliActor('admin create'), {
        orgId: null,
        action: existing ? 'user.update' : 'user.create',
        targetType: 'user',
        targetId: saved.id,
        after: { email: saved.email, platform_admin: true, password: 'set' },
      });
      return saved;
    });
    return { user: publicUser(user) };
  },
  format(result) {
    const { user } = result as { user: { email: string; id: string } };
    return `platform admin ${user.email} (${user.id}) can sign in with POST /auth/local`;
  },
};
