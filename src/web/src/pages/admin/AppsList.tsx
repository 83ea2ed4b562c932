import { useEffect, useState } from 'react';
import { BoxIcon, PlusIcon } from '../../components/icons.tsx';
import {
  EmptyState,
  FormDialog,
  LoadStatus,
  PageHeader,
  Table,
  TextField,
  useSubmit,
} from '../../components/ui.tsx';
import {
  DEFAULT_RETENTION_DAYS,
  RETENTION_CHOICES_DAYS,
} from '../../../../modules/apps/retention.ts';
import { useT } from '../../i18n/I18nProvider.tsx';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { Link, navigate, useRoute } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { relativeAge } from '../../lib/time.ts';
import type { App, MeOrg } from '../../lib/types.ts';
import { count } from '../../lib/usage.ts';
import { NewKeyDialog, type CreatedKey } from './NewKeyDialog.tsx';

export function AppsList({ org }: { org: MeOrg }) {
  const { data, error, reload } = useApi<{ apps: App[] }>(`/v1/orgs/${org.id}/apps`);
  const route = useRoute();
  const [creating, setCreating] = useState(route.search.get('new') === '1');
  const [created, setCreated] = useState<{ app: App; key: CreatedKey } | null>(null);
  const { refresh } = useSession();
  const t = useT();

  return (
    <div className="page">
      <PageHeader
        title={t('apps.title')}
        description={t('admin.apps.description')}
        action={
          <button className="button button-primary" onClick={() => setCreating(true)}>
            <PlusIcon /> {t('admin.apps.new')}
          </button>
        }
      />
      <LoadStatus data={data} error={error} />
      {data && data.apps.length === 0 && (
        <EmptyState title={t('admin.apps.empty')} icon={<BoxIcon />}>
          <p className="muted">{t('admin.apps.emptyBody')}</p>
          <button className="button button-primary" onClick={() => setCreating(true)}>
            {t('admin.apps.createFirst')}
          </button>
        </EmptyState>
      )}
      {data && data.apps.length > 0 && (
        <Table
          head={
            <>
              <th>{t('admin.col.name')}</th>
              <th>{t('admin.col.slug')}</th>
              <th className="num">{t('admin.col.retention')}</th>
              <th className="hide-sm">{t('admin.col.rateLimit')}</th>
              <th className="hide-sm">{t('admin.col.dailyQuota')}</th>
              <th className="hide-sm">{t('admin.col.created')}</th>
            </>
          }
        >
          {data.apps.map((app) => (
            <tr
              key={app.id}
              className="clickable"
              onClick={() => navigate(`/admin/apps/${app.slug}`)}
            >
              <td>
                <Link href={`/admin/apps/${app.slug}`} translate="no">
                  {app.name}
                </Link>
              </td>
              <td className="mono" translate="no">
                {app.slug}
              </td>
              <td className="num">
                {t('admin.apps.retentionShort', { days: app.retention_days })}
              </td>
              <td className="hide-sm">
                {app.rate_limit_records_per_s
                  ? t('admin.apps.perSecond', { rate: app.rate_limit_records_per_s })
                  : t('admin.apps.default')}
              </td>
              <td className="hide-sm">
                {app.daily_quota_records
                  ? count(app.daily_quota_records)
                  : t('admin.apps.unlimited')}
              </td>
              <td className="hide-sm muted">{relativeAge(app.created_at)}</td>
            </tr>
          ))}
        </Table>
      )}
      {creating && (
        <CreateAppDialog
          org={org}
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setCreated(result);
            reload();
            void refresh();
          }}
        />
      )}
      {created && (
        <NewKeyDialog
          title={t('admin.apps.ready', { name: created.app.name })}
          appName={created.app.name}
          created={created.key}
          onClose={() => {
            const slug = created.app.slug;
            setCreated(null);
            navigate(`/admin/apps/${slug}`);
          }}
        />
      )}
    </div>
  );
}

function CreateAppDialog({
  org,
  onClose,
  onCreated,
}: {
  org: MeOrg;
  onClose: () => void;
  onCreated: (result: { app: App; key: CreatedKey }) => void;
}) {
  const [name, setName] = useState('');
  const [retention, setRetention] = useState<number>(DEFAULT_RETENTION_DAYS);
  const { busy, error, setError, submit } = useSubmit();
  const t = useT();
  useEffect(() => setError(null), [name]);
  return (
    <FormDialog
      title={t('admin.apps.new')}
      onClose={onClose}
      onSubmit={() =>
        submit(
          () =>
            api<{ app: App; key: CreatedKey }>(`/v1/orgs/${org.id}/apps`, {
              method: 'POST',
              body: { name: name.trim(), retention_days: retention },
            }),
          onCreated,
        )
      }
      error={error}
      submitLabel={t('admin.apps.create')}
      disabled={busy || !name.trim()}
    >
      <TextField
        label={t('admin.col.name')}
        name="app-name"
        autoFocus
        required
        maxLength={200}
        placeholder={t('admin.apps.namePlaceholder')}
        value={name}
        onChange={setName}
      />
      <label>
        {t('admin.col.retention')}
        <select
          className="select"
          value={retention}
          onChange={(e) => setRetention(Number(e.target.value))}
        >
          {RETENTION_CHOICES_DAYS.map((d) => (
            <option key={d} value={d}>
              {t('admin.apps.days', { days: d })}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">{t('admin.apps.keyNote')}</p>
    </FormDialog>
  );
}
