import { useState } from 'react';
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
import { api, errorMessage } from '../../lib/api.ts';
import { useApi, type Loadable } from '../../lib/hooks.ts';
import { useSession } from '../../lib/session.tsx';
import { relativeAge } from '../../lib/time.ts';
import type { MeOrg, Member } from '../../lib/types.ts';

const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
const ROLE_HELP: Record<string, string> = {
  owner: 'everything, including owners',
  admin: 'apps, keys, members',
  member: 'search and tail, saved searches',
  viewer: 'search and tail',
};

const SSO_ROLE_HELP =
  'This role comes from the identity provider and is set again at every sign-in; change it there.';

export function Members({ org }: { org: MeOrg }) {
  const { me } = useSession();
  const { data, error, reload } = useApi<{ members: Member[] }>(`/v1/orgs/${org.id}/members`);
  const [inviting, setInviting] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const invitations = useApi<{ invitations: Invitation[] }>(`/v1/orgs/${org.id}/invitations`);
  const toast = useToast();

  const changeRole = (member: Member, role: string): void => {
    api(`/v1/orgs/${org.id}/members/${member.user_id}`, { method: 'PATCH', body: { role } }).then(
      () => {
        toast(`${member.email} is now ${role}`, 'success');
        reload();
      },
      (e: unknown) => toast(errorMessage(e), 'error'),
    );
  };

  return (
    <div className="page">
      <PageHeader
        title="Members"
        description={`Who can see ${org.name}’s logs, and what they may change.`}
        action={
          <button className="button button-primary" onClick={() => setInviting(true)}>
            <PlusIcon /> Invite member
          </button>
        }
      />
      <LoadStatus data={data} error={error} />
      {data && (
        <Table
          head={
            <>
              <th>Member</th>
              <th>Role</th>
              <th className="hide-sm">Joined</th>
              <th className="actions-col" aria-label="Actions" />
            </>
          }
        >
          {data.members.map((member) => (
            <tr key={member.user_id}>
              <td>
                <div>{member.name ?? member.email}</div>
                {member.name && <div className="muted small">{member.email}</div>}
              </td>
              <td>
                <select
                  className="select select-small"
                  aria-label={`Role of ${member.email}`}
                  value={member.role}
                  disabled={member.user_id === me?.user.id || member.sso_managed}
                  title={member.sso_managed ? SSO_ROLE_HELP : undefined}
                  onChange={(e) => changeRole(member, e.target.value)}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
                {member.sso_managed && (
                  <span className="pill small-pill" title={SSO_ROLE_HELP}>
                    set by SSO
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
                    Remove
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
          Roles marked <span className="pill small-pill">set by SSO</span> come from your identity
          provider’s role claim and are set again each time the member signs in, so they cannot be
          changed here: change them in the identity provider.
        </p>
      )}
      <dl className="role-legend muted small">
        {ROLES.map((r) => (
          <div key={r}>
            <dt>{r}</dt>
            <dd>{ROLE_HELP[r]}</dd>
          </div>
        ))}
      </dl>
      {inviting && (
        <InviteDialog
          org={org}
          onClose={() => setInviting(false)}
          onInvited={(email) => {
            setInviting(false);
            toast(`Invitation for ${email} saved: they join at their next sign-in`, 'success');
            invitations.reload();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title="Remove member?"
          danger
          confirmLabel="Remove"
          message={`${removing.email} will lose access to ${org.name} at once.`}
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
  const withdraw = (invitation: Invitation): void => {
    api(`${path}/${invitation.id}`, { method: 'DELETE' }).then(
      () => {
        toast(`Invitation for ${invitation.email} withdrawn`, 'success');
        reload();
      },
      (e: unknown) => toast(errorMessage(e), 'error'),
    );
  };
  if (error) return <p className="error small">{errorMessage(error)}</p>;
  if (!data || data.invitations.length === 0) return null;
  return (
    <section className="pending-invitations" data-testid="pending-invitations">
      <h2 className="section-title">Pending invitations</h2>
      <Table
        head={
          <>
            <th>Email</th>
            <th>Role</th>
            <th className="hide-sm">Invited</th>
            <th className="actions-col" aria-label="Actions" />
          </>
        }
      >
        {data.invitations.map((invitation) => (
          <tr key={invitation.id}>
            <td>{invitation.email}</td>
            <td>{invitation.role}</td>
            <td className="hide-sm muted">{relativeAge(invitation.created_at)}</td>
            <td className="actions-col">
              <button
                className="button button-small button-danger-ghost"
                onClick={() => withdraw(invitation)}
              >
                Withdraw
              </button>
            </td>
          </tr>
        ))}
      </Table>
      <p className="muted small">
        An invited address becomes a member the next time it signs in with this email.
      </p>
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
  return (
    <FormDialog
      title={`Invite to ${org.name}`}
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
      submitLabel="Invite"
      disabled={busy}
    >
      <TextField label="Email" type="email" autoFocus required value={email} onChange={setEmail} />
      <label>
        Role
        <select className="select" value={role} onChange={(e) => setRole(e.target.value)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r} — {ROLE_HELP[r]}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">
        They get access the next time they sign in with this email. Whether the address already has
        an account is not shown.
      </p>
    </FormDialog>
  );
}
