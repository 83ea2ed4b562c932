// mylog audit verify [--org ORG]: recomputes the audit chains (every org's and the platform's, or
// one org's) and exits 1 at the first entry that was changed, removed or inserted by hand.
import { createOrgsRepository } from '../../modules/orgs/orgs.repository.ts';
import { listChains, verifyChains, type ChainVerdict } from '../../modules/audit/audit-chain.ts';
import { CommandError, type Command } from '../command.ts';

export const auditVerifyCommand: Command = {
  summary: 'Recompute the tamper-evident audit chains; exit 1 at the first broken entry',
  options: {
    org: { type: 'string', description: 'org id or slug (default: every org and the platform)' },
  },
  needs: { postgres: true },
  async run(ctx, { values }) {
    let chains: string[];
    if (typeof values.org === 'string') {
      const org = await createOrgsRepository(ctx.db).findByRef(values.org);
      if (!org) throw new CommandError('not_found', `no org "${values.org}"`);
      chains = [org.id];
    } else {
      chains = await listChains(ctx.db);
    }
    return verifyChains(ctx.db, chains);
  },
  format(result) {
    const verdict = result as ChainVerdict;
    if (verdict.ok) return `ok: ${verdict.entries} entries verified`;
    const b = verdict.first_broken;
    return `BROKEN: chain ${b.chain} at entry ${b.id ?? '(missing)'} (seq ${b.chain_seq}): ${b.reason}; ${verdict.entries} entries before it verified`;
  },
  exitCode: (result) => ((result as ChainVerdict).ok ? 0 : 1),
};
