import { useState } from 'react';
import { PlusIcon } from '../../components/icons.tsx';
import {
  FormDialog,
  LoadStatus,
  PageHeader,
  Table,
  TextField,
  useSubmit,
  useToast,
} from '../../components/ui.tsx';
import { api, errorMessage } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { useSession } from '../../lib/session.tsx';
import { relativeAge } from '../../lib/time.ts';
import type { Org } from '../../lib/types.ts';

export function Orgs() {
  const { me, refresh } = useSession();
  const { data, error, reload } = useApi<{ orgs: Org[] }>('/v1/orgs');
  const [creating, setCreating] = useState(false);
  const toast = useToast();
  const platform = me?.user.platform_admin ?? false;

  const setDisabled = (org: Org, disabled: boolean): void => {
    api(`/v1/orgs/${org.id}`, { method: 'PATCH', body: { disabled } }).then(
      () => {
        toast(`${org.name} ${disabled ? 'disabled' : 'enabled'}`, 'success');
        reload();
      },
      (e: unknown) => toast(errorMessage(e), 'error'),
    );
  };

  return (
    <div className="page">
      <PageHeader
        title="Organisations"
        description="Tenants of this MyLog. Each has its own members, apps and data."
        action={
          platform && (
            <button className="button button-primary" onClick={() => setCreating(true)}>
              <PlusIcon /> New organisation
            </button>
          )
        }
      />
      <LoadStatus data={data} error={error} />
      {data && (
        <Table
          head={
            <>
              <th>Name</th>
              <th>Slug</th>
              <th className="hide-sm">Created</th>
              <th>Status</th>
              {platform && <th className="actions-col" aria-label="Actions" />}
            </>
          }
        >
          {data.orgs.map((org) => (
            <tr key={org.id} className={org.disabled_at ? 'dim' : ''}>
              <td>{org.name}</td>
              <td className="mono">{org.slug}</td>
              <td className="hide-sm muted">{relativeAge(org.created_at)}</td>
              <td>
                {org.disabled_at ? (
                  <span className="pill pill-muted">disabled</span>
                ) : (
                  <span className="pill pill-ok">active</span>
                )}
              </td>
              {platform && (
                <td className="actions-col">
                  <button
                    className="button button-small"
                    onClick={() => setDisabled(org, !org.disabled_at)}
                  >
                    {org.disabled_at ? 'Enable' : 'Disable'}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {creating && (
        <CreateOrgDialog
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            reload();
            void refresh();
          }}
        />
      )}
    </div>
  );
}

function CreateOrgDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [name, setName] = useState('');
  const { busy, error, submit } = useSubmit();
  return (
    <FormDialog
      title="New organisation"
      onClose={onClose}
      onSubmit={() =>
        submit(() => api('/v1/orgs', { method: 'POST', body: { name: name.trim() } }), onCreated)
      }
      error={error}
      submitLabel="Create"
      disabled={busy || !name.trim()}
    >
      <TextField label="Name" autoFocus required value={name} onChange={setName} />
    </FormDialog>
  );
}
