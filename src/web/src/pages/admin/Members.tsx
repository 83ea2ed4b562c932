import { useState, type ReactNode } from 'react';
import { PlusIcon } from '../../components/icons.tsx';
import {
  ConfirmDialog,
  FormDialog,
  LoadStatus,
  PageHeader,
  Table,
  TextField,
  useSubmit,
  useToast,
} from '../../components/ui.tsx';
import { roleName, useT, type TFunction } from '../../i18n/I18nProvider.tsx';
import { Msg } from '../../i18n/Msg.tsx';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { useApi, type Loadable } from '../../lib/hooks.ts';
import { useSession } from '../../lib/session.tsx';
import { relativeAge } from '../../lib/time.ts';
import type { MeOrg, Member } from '../../lib/types.ts';

const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
const ROLE_HELP: Record<(typeof ROLES)[number], MessageKey> = {
  owner: 'admin.members.help.owner',
  admin: 'admin.members.help.admin',
  member: 'admin.members.help.member',
  viewer: 'admin.members.help.viewer',
};

function roleHelp(t: TFunction, role: string): string {
  return role in ROLE_HELP ? t(ROLE_HELP[role as keyof typeof ROLE_HELP]) : '';
}

export function Members({ org }: { org: MeOrg }) {
  const { me } = useSession();
  const { data, error, reload } = useApi<{ members: Member[] }>(`/v1/orgs/${org.id}/members`);
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const invitations = useApi<{ invitations: Invitation[] }>(`/v1/orgs/${org.id}/invitations`);
  const toast = useToast();
  const t = useT();
  const ssoRoleHelp = t('admin.members.ssoHelp');
  const orgName = <span translate="no">{org.name}</span>;

  const changeRole = (member: Member, role: string): void => {
    api(`/v1/orgs/${org.id}/members/${member.user_id}`, { method: 'PATCH', body: { role } }).then(
      () => {
        toast(
          t('admin.members.nowRole', { email: member.email, role: roleName(t, role) }),
          'success',
        );
        reload();
      },
      (e: unknown) => toast(errorMessage(e), 'error'),
    );
  };

  return (
    <div className="page">
      <PageHeader
        title={t('admin.nav.members')}
        description={<Msg id="admin.members.description" values={{ org: orgName }} />}
        action={
          <button className="button button-primary" onClick={() => setInviting(true)}>
            <PlusIcon /> {t('admin.members.invite')}
          </button>
        }
      />
      <LoadStatus data={data} error={error} />
      {data && (
        <Table
          head={
            <>
              <th>{t('admin.col.member')}</th>
              <th>{t('admin.col.role')}</th>
              <th className="hide-sm">{t('admin.col.joined')}</th>
              <th className="actions-col" aria-label={t('admin.col.actions')} />
            </>
          }
        >
          {data.members.map((member) => (
            <tr key={member.user_id}>
              <td translate="no">
                <div>{member.name ?? member.email}</div>
                {member.name && <div className="muted small">{member.email}</div>}
              </td>
              <td>
                <select
                  className="select select-small"
                  aria-label={t('admin.members.roleOf', { email: member.email })}
                  value={member.role}
                  disabled={member.user_id === me?.user.id || member.sso_managed}
                  title={member.sso_managed ? ssoRoleHelp : undefined}
                  onChange={(e) => changeRole(member, e.target.value)}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {roleName(t, r)}
                    </option>
                  ))}
                </select>
                {member.sso_managed && (
                  <span className="pill small-pill" title={ssoRoleHelp}>
                    {t('admin.members.setBySso')}
                  </span>
                )}
              </td>
              <td className="hide-sm muted">{relativeAge(member.created_at)}</td>
              <td className="actions-col">
                {member.user_id !== me?.user.id && (
                  <button
                    className="button button-small button-danger-ghost"
                    onClick={() => setRemoving(member)}
                  >
                    {t('admin.members.remove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <PendingInvitations org={org} invitations={invitations} />
      {data?.members.some((m) => m.sso_managed) && (
        <p className="muted small" data-testid="sso-role-note">
          <Msg
            id="admin.members.ssoNote"
            values={{
              pill: (chunks: ReactNode[]) => <span className="pill small-pill">{chunks}</span>,
            }}
          />
        </p>
      )}
      <dl className="role-legend muted small">
        {ROLES.map((r) => (
          <div key={r}>
            <dt>{roleName(t, r)}</dt>
            <dd>{roleHelp(t, r)}</dd>
          </div>
        ))}
      </dl>
      {inviting && (
        <InviteDialog
          org={org}
          onClose={() => setInviting(false)}
          onInvited={(email) => {
            setInviting(false);
            toast(t('admin.members.invitationSaved', { email }), 'success');
            invitations.reload();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={t('admin.members.removeTitle')}
          danger
          confirmLabel={t('admin.members.remove')}
          message={t('admin.members.removeMessage', { email: removing.email, org: org.name })}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await api(`/v1/orgs/${org.id}/members/${removing.user_id}`, { method: 'DELETE' });
            reload();
          }}
        />
      )}
    </div>
  );
}

interface Invitation {
  id: string;
  email: string;
  role: string;
  created_at: string;
}

/** Invitations wait for their address's next sign-in; whether it has an account is not shown. */
function PendingInvitations({
  org,
  invitations,
}: {
  org: MeOrg;
  invitations: Loadable<{ invitations: Invitation[] }>;
}) {
  const path = `/v1/orgs/${org.id}/invitations`;
  const { data, error, reload } = invitations;
  const toast = useToast();
  const t = useT();
  const withdraw = (invitation: Invitation): void => {
    api(`${path}/${invitation.id}`, { method: 'DELETE' }).then(
      () => {
        toast(t('admin.members.withdrawn', { email: invitation.email }), 'success');
        reload();
      },
      (e: unknown) => toast(errorMessage(e), 'error'),
    );
  };
  if (error) return <p className="error small">{errorMessage(error)}</p>;
  if (!data || data.invitations.length === 0) return null;
  return (
    <section className="pending-invitations" data-testid="pending-invitations">
      <h2 className="section-title">{t('admin.members.pending')}</h2>
      <Table
        head={
          <>
            <th>{t('admin.col.email')}</th>
            <th>{t('admin.col.role')}</th>
            <th className="hide-sm">{t('admin.col.invited')}</th>
            <th className="actions-col" aria-label={t('admin.col.actions')} />
          </>
        }
      >
        {data.invitations.map((invitation) => (
          <tr key={invitation.id}>
            <td translate="no">{invitation.email}</td>
            <td>{roleName(t, invitation.role)}</td>
            <td className="hide-sm muted">{relativeAge(invitation.created_at)}</td>
            <td className="actions-col">
              <button
                className="button button-small button-danger-ghost"
                onClick={() => withdraw(invitation)}
              >
                {t('admin.members.withdraw')}
              </button>
            </td>
          </tr>
        ))}
      </Table>
      <p className="muted small">{t('admin.members.pendingNote')}</p>
    </section>
  );
}

function InviteDialog({
  org,
  onClose,
  onInvited,
}: {
  org: MeOrg;
  onClose: () => void;
  onInvited: (email: string) => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<string>('member');
  const { busy, error, submit } = useSubmit();
  const t = useT();
  return (
    <FormDialog
      title={t('admin.members.inviteTitle', { org: org.name })}
      onClose={onClose}
      onSubmit={() =>
        submit(
          () =>
            api(`/v1/orgs/${org.id}/members`, {
              method: 'POST',
              body: { email: email.trim(), role },
            }),
          () => onInvited(email),
        )
      }
      error={error}
      submitLabel={t('admin.members.inviteSubmit')}
      disabled={busy}
    >
      <TextField
        label={t('admin.col.email')}
        type="email"
        autoFocus
        required
        value={email}
        onChange={setEmail}
      />
      <label>
        {t('admin.col.role')}
        <select className="select" value={role} onChange={(e) => setRole(e.target.value)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t('admin.members.roleOption', { role: roleName(t, r), help: roleHelp(t, r) })}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">{t('admin.members.inviteNote')}</p>
    </FormDialog>
  );
}
