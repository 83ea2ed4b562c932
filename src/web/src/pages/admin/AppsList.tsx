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
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { Link, navigate, useRoute } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { relativeAge } from '../../lib/time.ts';
import type { App, MeOrg } from '../../lib/types.ts';
import { NewKeyDialog, type CreatedKey } from './NewKeyDialog.tsx';

export function AppsList({ org }: { org: MeOrg }) {
  const { data, error, reload } = useApi<{ apps: App[] }>(`/v1/orgs/${org.id}/apps`);
  const route = useRoute();
  const [creating, setCreating] = useState(route.search.get('new') === '1');
  const [created, setCreated] = useState<{ app: App; key: CreatedKey } | null>(null);
  const { refresh } = useSession();

  return (
    <div className="page">
      <PageHeader
        title="Apps"
        description="Each app has its own logs, retention, limits and ingest keys."
        action={
          <button className="button button-primary" onClick={() => setCreating(true)}>
            <PlusIcon /> New app
          </button>
        }
      />
      <LoadStatus data={data} error={error} />
      {data && data.apps.length === 0 && (
        <EmptyState title="No apps yet" icon={<BoxIcon />}>
          <p className="muted">Create an app to get an ingest key and start sending logs.</p>
          <button className="button button-primary" onClick={() => setCreating(true)}>
            Create your first app
          </button>
        </EmptyState>
      )}
      {data && data.apps.length > 0 && (
        <Table
          head={
            <>
              <th>Name</th>
              <th>Slug</th>
              <th className="num">Retention</th>
              <th className="hide-sm">Rate limit</th>
              <th className="hide-sm">Daily quota</th>
              <th className="hide-sm">Created</th>
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
                <Link href={`/admin/apps/${app.slug}`}>{app.name}</Link>
              </td>
              <td className="mono">{app.slug}</td>
              <td className="num">{app.retention_days} d</td>
              <td className="hide-sm">
                {app.rate_limit_records_per_s
                  ? `${app.rate_limit_records_per_s.toLocaleString()}/s`
                  : 'default'}
              </td>
              <td className="hide-sm">
                {app.daily_quota_records ? app.daily_quota_records.toLocaleString() : 'unlimited'}
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
          title={`${created.app.name} is ready`}
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
  useEffect(() => setError(null), [name]);
  return (
    <FormDialog
      title="New app"
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
      submitLabel="Create app"
      disabled={busy || !name.trim()}
    >
      <TextField
        label="Name"
        name="app-name"
        autoFocus
        required
        maxLength={200}
        placeholder="Checkout service"
        value={name}
        onChange={setName}
      />
      <label>
        Retention
        <select
          className="select"
          value={retention}
          onChange={(e) => setRetention(Number(e.target.value))}
        >
          {RETENTION_CHOICES_DAYS.map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">An ingest key is created with the app and shown once.</p>
    </FormDialog>
  );
}
