// One app: its ingest keys (create, rotate, revoke, last used), settings (retention, limits) and
// deletion.
import { useEffect, useState } from 'react';
import { KeyIcon, PlusIcon, RotateIcon, SearchIcon, TrashIcon } from '../../components/icons.tsx';
import { AppQuotaMeter } from '../../components/QuotaMeter.tsx';
import { SendFirstLog } from '../../components/SendFirstLog.tsx';
import {
  ConfirmDialog,
  FormDialog,
  LoadStatus,
  Spinner,
  Table,
  TextField,
  useSubmit,
  useToast,
} from '../../components/ui.tsx';
import { useT, type TFunction } from '../../i18n/I18nProvider.tsx';
import { Msg } from '../../i18n/Msg.tsx';
import { api, errorMessage } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { relativeAge } from '../../lib/time.ts';
import type { App, IngestKey, MeOrg } from '../../lib/types.ts';
import { AppDeletionsCard, RetentionCard } from './DataLifecycle.tsx';
import { NewKeyDialog, type CreatedKey } from './NewKeyDialog.tsx';

export function AppDetail({ org, appRef }: { org: MeOrg; appRef: string }) {
  const appQuery = useApi<{ app: App }>(`/v1/orgs/${org.id}/apps/${encodeURIComponent(appRef)}`);
  const app = appQuery.data?.app;
  const t = useT();
  if (appQuery.error) return <p className="form-error page">{errorMessage(appQuery.error)}</p>;
  if (!app) return <Spinner />;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <div className="breadcrumbs muted small">
            <Link href="/admin/apps">{t('apps.title')}</Link> /{' '}
            <span translate="no">{app.slug}</span>
          </div>
          <h1 translate="no">{app.name}</h1>
        </div>
        <Link className="button" href={`/logs?apps=${encodeURIComponent(app.slug)}`}>
          <SearchIcon /> {t('admin.app.viewLogs')}
        </Link>
      </header>
      <Keys app={app} />
      <AppQuotaMeter orgId={org.id} appId={app.id} />
      <Settings org={org} app={app} onSaved={appQuery.reload} />
      <RetentionCard app={app} />
      <AppDeletionsCard app={app} />
      <DangerZone org={org} app={app} />
    </div>
  );
}

function Keys({ app }: { app: App }) {
  const { data, error, reload } = useApi<{ keys: IngestKey[] }>(`/v1/apps/${app.id}/keys`);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ title: string; created: CreatedKey } | null>(null);
  const [rotating, setRotating] = useState<IngestKey | null>(null);
  const [revoking, setRevoking] = useState<IngestKey | null>(null);
  const t = useT();
  const keys = data?.keys ?? [];
  const active = keys.filter((k) => keyActions(k).length > 0);
  const neverUsed = active.length > 0 && active.every((k) => !k.last_used_at);
  const showIssued =
    (title: string) =>
    (created: CreatedKey): void => {
      setCreating(false);
      setRotating(null);
      setShown({ title, created });
      reload();
    };

  return (
    <section className="card">
      <header className="card-header">
        <div>
          <h2>
            <KeyIcon /> {t('admin.keys.title')}
          </h2>
          <p className="muted small">{t('admin.keys.description')}</p>
        </div>
        <button className="button button-primary" onClick={() => setCreating(true)}>
          <PlusIcon /> {t('admin.keys.new')}
        </button>
      </header>
      <LoadStatus data={data} error={error} />
      {data && (
        <Table
          head={
            <>
              <th>{t('admin.col.name')}</th>
              <th>{t('admin.col.key')}</th>
              <th>{t('admin.col.lastUsed')}</th>
              <th className="hide-sm">{t('admin.col.created')}</th>
              <th>{t('admin.col.status')}</th>
              <th className="actions-col" aria-label={t('admin.col.actions')} />
            </>
          }
        >
          {keys.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {t('admin.keys.none')}
              </td>
            </tr>
          )}
          {keys.map((key) => (
            <tr key={key.id} className={key.revoked_at ? 'dim' : ''}>
              <td translate="no">{key.name}</td>
              <td className="mono" translate="no">
                {key.display_prefix}…
              </td>
              <td title={key.last_used_at ?? ''}>{relativeAge(key.last_used_at)}</td>
              <td className="hide-sm muted">{relativeAge(key.created_at)}</td>
              <td>
                <KeyStatus ingestKey={key} />
              </td>
              <td className="actions-col">
                {keyActions(key).includes('rotate') && (
                  <button
                    className="button button-small"
                    onClick={() => setRotating(key)}
                    title={t('admin.keys.rotate')}
                  >
                    <RotateIcon /> <span className="hide-sm">{t('admin.keys.rotate')}</span>
                  </button>
                )}
                {keyActions(key).includes('revoke') && (
                  <button
                    className="button button-small button-danger-ghost"
                    onClick={() => setRevoking(key)}
                  >
                    {key.replaced_by ? t('admin.keys.revokeNow') : t('admin.keys.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {neverUsed && (
        <div className="onboarding">
          <h3 className="section-title">{t('admin.keys.waiting')}</h3>
          <p className="muted small">
            <Msg id="admin.keys.waitingBody" />
          </p>
          <SendFirstLog appName={app.name} />
        </div>
      )}
      {creating && (
        <CreateKeyDialog
          app={app}
          onClose={() => setCreating(false)}
          onCreated={showIssued(t('admin.keys.newTitle'))}
        />
      )}
      {rotating && (
        <RotateKeyDialog
          app={app}
          ingestKey={rotating}
          onClose={() => setRotating(null)}
          onRotated={showIssued(t('admin.keys.rotated'))}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title={t('admin.keys.revokeTitle')}
          danger
          confirmLabel={t('admin.keys.revokeConfirm')}
          message={t('admin.keys.revokeMessage', {
            name: revoking.name,
            prefix: revoking.display_prefix,
          })}
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await api(`/v1/apps/${app.id}/keys/${revoking.id}/revoke`, { method: 'POST' });
            reload();
          }}
        />
      )}
      {shown && (
        <NewKeyDialog
          title={shown.title}
          appName={app.name}
          created={shown.created}
          onClose={() => setShown(null)}
        />
      )}
    </section>
  );
}

const isPast = (iso: string | null): boolean => iso !== null && Date.parse(iso) <= Date.now();

/**
 * What can still be done to a key, as the API allows it: nothing once revoked or expired; a
 * rotated key that still works during its overlap can only be revoked early (its successor is the
 * one to rotate).
 */
function keyActions(key: IngestKey): ('rotate' | 'revoke')[] {
  if (isPast(key.revoked_at) || isPast(key.expires_at)) return [];
  if (key.revoked_at || key.replaced_by) return ['revoke'];
  return ['rotate', 'revoke'];
}

function KeyStatus({ ingestKey }: { ingestKey: IngestKey }) {
  const t = useT();
  const { revoked_at: revokedAt, expires_at: expiresAt } = ingestKey;
  if (isPast(revokedAt)) {
    return <span className="pill pill-muted">{t('admin.keys.status.revoked')}</span>;
  }
  if (isPast(expiresAt)) {
    return (
      <span className="pill pill-muted">
        {ingestKey.replaced_by ? t('admin.keys.status.rotatedOut') : t('admin.keys.status.expired')}
      </span>
    );
  }
  const ending = revokedAt ?? (ingestKey.replaced_by ? expiresAt : null);
  if (ending) {
    return (
      <span className="pill pill-warn">
        {t('admin.keys.status.expires', { when: relativeIn(t, ending) })}
      </span>
    );
  }
  return <span className="pill pill-ok">{t('admin.keys.status.active')}</span>;
}

function relativeIn(t: TFunction, iso: string): string {
  const minutes = Math.round((Date.parse(iso) - Date.now()) / 60_000);
  return minutes < 60
    ? t('admin.keys.inMinutes', { minutes })
    : t('admin.keys.inHours', { hours: Math.round(minutes / 60) });
}

function CreateKeyDialog({
  app,
  onClose,
  onCreated,
}: {
  app: App;
  onClose: () => void;
  onCreated: (created: CreatedKey) => void;
}) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const { busy, error, submit } = useSubmit();
  const t = useT();
  return (
    <FormDialog
      title={t('admin.keys.newTitle')}
      onClose={onClose}
      onSubmit={() =>
        submit(
          () =>
            api<CreatedKey>(`/v1/apps/${app.id}/keys`, {
              method: 'POST',
              body: {
                name: name.trim(),
                ...(expires ? { expires_in_days: Number(expires) } : {}),
              },
            }),
          onCreated,
        )
      }
      error={error}
      submitLabel={t('admin.keys.create')}
      disabled={busy || !name.trim()}
    >
      <TextField
        label={t('admin.col.name')}
        name="key-name"
        autoFocus
        required
        placeholder={t('admin.keys.namePlaceholder')}
        value={name}
        onChange={setName}
      />
      <label>
        {t('admin.keys.expires')}
        <select className="select" value={expires} onChange={(e) => setExpires(e.target.value)}>
          <option value="">{t('admin.keys.never')}</option>
          <option value="30">{t('admin.keys.in30')}</option>
          <option value="90">{t('admin.keys.in90')}</option>
          <option value="365">{t('admin.keys.inYear')}</option>
        </select>
      </label>
    </FormDialog>
  );
}

function RotateKeyDialog({
  app,
  ingestKey,
  onClose,
  onRotated,
}: {
  app: App;
  ingestKey: IngestKey;
  onClose: () => void;
  onRotated: (created: CreatedKey) => void;
}) {
  const [overlap, setOverlap] = useState(3600);
  const { busy, error, submit } = useSubmit();
  const t = useT();
  return (
    <FormDialog
      title={t('admin.keys.rotateTitle', { name: ingestKey.name })}
      onClose={onClose}
      onSubmit={() =>
        submit(
          () =>
            api<CreatedKey>(`/v1/apps/${app.id}/keys/${ingestKey.id}/rotate`, {
              method: 'POST',
              body: { overlap_seconds: overlap },
            }),
          onRotated,
        )
      }
      error={error}
      submitLabel={t('admin.keys.rotateSubmit')}
      disabled={busy}
    >
      <p className="muted">{t('admin.keys.rotateBody')}</p>
      <label>
        {t('admin.keys.overlap')}
        <select
          className="select"
          value={overlap}
          onChange={(e) => setOverlap(Number(e.target.value))}
        >
          <option value={0}>{t('admin.keys.stopNow')}</option>
          <option value={600}>{t('admin.keys.10m')}</option>
          <option value={3600}>{t('admin.keys.1h')}</option>
          <option value={86400}>{t('admin.keys.24h')}</option>
        </select>
      </label>
    </FormDialog>
  );
}

function numberOrNull(value: string): number | null {
  return value.trim() === '' ? null : Number(value);
}

function Settings({ org, app, onSaved }: { org: MeOrg; app: App; onSaved: () => void }) {
  const [name, setName] = useState(app.name);
  const [retention, setRetention] = useState(String(app.retention_days));
  const [rate, setRate] = useState(app.rate_limit_records_per_s?.toString() ?? '');
  const [bytes, setBytes] = useState(app.rate_limit_bytes_per_s?.toString() ?? '');
  const [quota, setQuota] = useState(app.daily_quota_records?.toString() ?? '');
  const { busy, error, setError, submit } = useSubmit();
  const toast = useToast();
  const { refresh } = useSession();
  const t = useT();
  useEffect(() => {
    setName(app.name);
    setRetention(String(app.retention_days));
  }, [app]);
  return (
    <section className="card">
      <header className="card-header">
        <div>
          <h2>{t('admin.settings.title')}</h2>
          <p className="muted small">{t('admin.settings.description')}</p>
        </div>
      </header>
      <form
        className="form grid-form"
        onSubmit={(event) => {
          event.preventDefault();
          setError(null);
          submit(
            () =>
              api(`/v1/orgs/${org.id}/apps/${app.id}`, {
                method: 'PATCH',
                body: {
                  name: name.trim(),
                  retention_days: Number(retention),
                  rate_limit_records_per_s: numberOrNull(rate),
                  rate_limit_bytes_per_s: numberOrNull(bytes),
                  daily_quota_records: numberOrNull(quota),
                },
              }),
            () => {
              toast(t('admin.settings.saved'), 'success');
              onSaved();
              void refresh();
            },
          );
        }}
      >
        <TextField label={t('admin.col.name')} required value={name} onChange={setName} />
        <TextField
          label={t('admin.settings.retentionDays')}
          type="number"
          min={1}
          max={3650}
          required
          value={retention}
          onChange={setRetention}
        />
        <LimitField
          label={t('admin.settings.rateRecords')}
          value={rate}
          onChange={setRate}
          placeholder={t('admin.settings.platformDefault')}
        />
        <LimitField
          label={t('admin.settings.rateBytes')}
          value={bytes}
          onChange={setBytes}
          placeholder={t('admin.settings.platformDefault')}
        />
        <LimitField
          label={t('admin.settings.quota')}
          value={quota}
          onChange={setQuota}
          placeholder={t('admin.apps.unlimited')}
        />
        {error && <p className="form-error full-row">{error}</p>}
        <div className="button-row full-row">
          <button className="button button-primary" disabled={busy}>
            {t('admin.settings.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function DangerZone({ org, app }: { org: MeOrg; app: App }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const { busy, error, submit } = useSubmit();
  const { refresh } = useSession();
  const t = useT();
  return (
    <section className="card danger-card">
      <header className="card-header">
        <div>
          <h2>{t('admin.delete.title')}</h2>
          <p className="muted small">{t('admin.delete.description')}</p>
        </div>
        <button className="button button-danger" onClick={() => setOpen(true)}>
          <TrashIcon /> {t('admin.delete.title')}
        </button>
      </header>
      {open && (
        <FormDialog
          title={t('admin.delete.confirmTitle', { name: app.name })}
          onClose={() => setOpen(false)}
          onSubmit={() =>
            submit(
              () => api(`/v1/orgs/${org.id}/apps/${app.id}`, { method: 'DELETE' }),
              () => {
                void refresh();
                navigate('/admin/apps');
              },
            )
          }
          error={error}
          submitLabel={t('admin.delete.forever')}
          danger
          disabled={busy || typed !== app.slug}
        >
          <TextField
            label={
              <Msg
                id="admin.delete.type"
                values={{
                  slug: (
                    <strong className="mono" translate="no">
                      {app.slug}
                    </strong>
                  ),
                }}
              />
            }
            autoFocus
            value={typed}
            onChange={setTyped}
          />
        </FormDialog>
      )}
    </section>
  );
}

/** An optional positive limit; empty means the placeholder's default. */
function LimitField(field: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
}) {
  return <TextField type="number" min={1} {...field} />;
}
