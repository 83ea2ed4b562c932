import { useState } from 'react';
import { PlusIcon } from '../../components/icons.tsx';
import { Dialog, LoadStatus, useSubmit, useToast } from '../../components/ui.tsx';
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
      <header className="page-header">
        <div>
          <h1>Organisations</h1>
          <p className="muted">Tenants of this MyLog. Each has its own members, apps and data.</p>
        </div>
        {platform && (
          <button className="button button-primary" onClick={() => setCreating(true)}>
            <PlusIcon /> New organisation
          </button>
        )}
      </header>
      <LoadStatus data={data} error={error} />
      {data && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Slug</th>
                <th className="hide-sm">Created</th>
                <th>Status</th>
                {platform && <th className="actions-col" aria-label="Actions" />}
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
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
    <Dialog title="New organisation" onClose={onClose}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          submit(() => api('/v1/orgs', { method: 'POST', body: { name: name.trim() } }), onCreated);
        }}
      >
        <label>
          Name
          <input
            className="input"
            autoFocus
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        {error && <p className="form-error">{error}</p>}
        <div className="button-row end">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button className="button button-primary" disabled={busy || !name.trim()}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}
