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
import { useT } from '../../i18n/I18nProvider.tsx';
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
  const t = useT();
  const platform = me?.user.platform_admin ?? false;

  const setDisabled = (org: Org, disabled: boolean): void => {
    api(`/v1/orgs/${org.id}`, { method: 'PATCH', body: { disabled } }).then(
      () => {
        toast(
          t(disabled ? 'orgs.disabledToast' : 'orgs.enabledToast', { name: org.name }),
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
        title={t('admin.nav.orgs')}
        description={t('orgs.description')}
        action={
          platform && (
            <button className="button button-primary" onClick={() => setCreating(true)}>
              <PlusIcon /> {t('orgs.new')}
            </button>
          )
        }
      />
      <LoadStatus data={data} error={error} />
      {data && (
        <Table
          head={
            <>
              <th>{t('admin.col.name')}</th>
              <th>{t('admin.col.slug')}</th>
              <th className="hide-sm">{t('admin.col.created')}</th>
              <th>{t('admin.col.status')}</th>
              {platform && <th className="actions-col" aria-label={t('admin.col.actions')} />}
            </>
          }
        >
          {data.orgs.map((org) => (
            <tr key={org.id} className={org.disabled_at ? 'dim' : ''}>
              <td translate="no">{org.name}</td>
              <td className="mono" translate="no">
                {org.slug}
              </td>
              <td className="hide-sm muted">{relativeAge(org.created_at)}</td>
              <td>
                {org.disabled_at ? (
                  <span className="pill pill-muted">{t('orgs.disabled')}</span>
                ) : (
                  <span className="pill pill-ok">{t('orgs.active')}</span>
                )}
              </td>
              {platform && (
                <td className="actions-col">
                  <button
                    className="button button-small"
                    onClick={() => setDisabled(org, !org.disabled_at)}
                  >
                    {t(org.disabled_at ? 'orgs.enable' : 'orgs.disable')}
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
  const t = useT();
  return (
    <FormDialog
      title={t('orgs.new')}
      onClose={onClose}
      onSubmit={() =>
        submit(() => api('/v1/orgs', { method: 'POST', body: { name: name.trim() } }), onCreated)
      }
      error={error}
      submitLabel={t('governance.create')}
      disabled={busy || !name.trim()}
    >
      <TextField label={t('admin.col.name')} autoFocus required value={name} onChange={setName} />
    </FormDialog>
  );
}
