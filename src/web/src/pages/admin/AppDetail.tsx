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
  if (appQuery.error) return <p className="form-error page">{errorMessage(appQuery.error)}</p>;
  if (!app) return <Spinner />;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <div className="breadcrumbs muted small">
            <Link href="/admin/apps">Apps</Link> / {app.slug}
          </div>
          <h1>{app.name}</h1>
        </div>
        <Link className="button" href={`/logs?apps=${encodeURIComponent(app.slug)}`}>
          <SearchIcon /> View logs
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
            <KeyIcon /> Ingest keys
          </h2>
          <p className="muted small">
            Keys authenticate what your apps send. Only their prefix is stored in the clear.
          </p>
        </div>
        <button className="button button-primary" onClick={() => setCreating(true)}>
          <PlusIcon /> New key
        </button>
      </header>
      <LoadStatus data={data} error={error} />
      {data && (
        <Table
          head={
            <>
              <th>Name</th>
              <th>Key</th>
              <th>Last used</th>
              <th className="hide-sm">Created</th>
              <th>Status</th>
              <th className="actions-col" aria-label="Actions" />
            </>
          }
        >
          {keys.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No keys. Create one to start sending logs.
              </td>
            </tr>
          )}
          {keys.map((key) => (
            <tr key={key.id} className={key.revoked_at ? 'dim' : ''}>
              <td>{key.name}</td>
              <td className="mono">{key.display_prefix}…</td>
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
                    title="Rotate"
                  >
                    <RotateIcon /> <span className="hide-sm">Rotate</span>
                  </button>
                )}
                {keyActions(key).includes('revoke') && (
                  <button
                    className="button button-small button-danger-ghost"
                    onClick={() => setRevoking(key)}
                  >
                    {key.replaced_by ? 'Revoke now' : 'Revoke'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {neverUsed && (
        <div className="onboarding">
          <h3 className="section-title">Waiting for the first log</h3>
          <p className="muted small">
            None of this app’s keys has been used yet. Send a log with your key in place of{' '}
            <code className="mono">$MYLOG_INGEST_KEY</code>:
          </p>
          <SendFirstLog appName={app.name} />
        </div>
      )}
      {creating && (
        <CreateKeyDialog
          app={app}
          onClose={() => setCreating(false)}
          onCreated={showIssued('New ingest key')}
        />
      )}
      {rotating && (
        <RotateKeyDialog
          app={app}
          ingestKey={rotating}
          onClose={() => setRotating(null)}
          onRotated={showIssued('Key rotated')}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke key?"
          danger
          confirmLabel="Revoke key"
          message={`Anything still sending with “${revoking.name}” (${revoking.display_prefix}…) will be refused from now on.`}
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
  const { revoked_at: revokedAt, expires_at: expiresAt } = ingestKey;
  if (isPast(revokedAt)) return <span className="pill pill-muted">revoked</span>;
  if (isPast(expiresAt)) {
    return (
      <span className="pill pill-muted">{ingestKey.replaced_by ? 'rotated out' : 'expired'}</span>
    );
  }
  const ending = revokedAt ?? (ingestKey.replaced_by ? expiresAt : null);
  if (ending) return <span className="pill pill-warn">expires {relativeIn(ending)}</span>;
  return <span className="pill pill-ok">active</span>;
}

function relativeIn(iso: string): string {
  const minutes = Math.round((Date.parse(iso) - Date.now()) / 60_000);
  return minutes < 60 ? `in ${minutes} min` : `in ${Math.round(minutes / 60)} h`;
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
  return (
    <FormDialog
      title="New ingest key"
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
      submitLabel="Create key"
      disabled={busy || !name.trim()}
    >
      <TextField
        label="Name"
        name="key-name"
        autoFocus
        required
        placeholder="production web servers"
        value={name}
        onChange={setName}
      />
      <label>
        Expires
        <select className="select" value={expires} onChange={(e) => setExpires(e.target.value)}>
          <option value="">Never</option>
          <option value="30">In 30 days</option>
          <option value="90">In 90 days</option>
          <option value="365">In a year</option>
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
  return (
    <FormDialog
      title={`Rotate “${ingestKey.name}”`}
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
      submitLabel="Rotate key"
      disabled={busy}
    >
      <p className="muted">
        A new key replaces this one. Keep the old key working while you roll the new one out:
      </p>
      <label>
        Old key keeps working for
        <select
          className="select"
          value={overlap}
          onChange={(e) => setOverlap(Number(e.target.value))}
        >
          <option value={0}>Stop it now</option>
          <option value={600}>10 minutes</option>
          <option value={3600}>1 hour</option>
          <option value={86400}>24 hours</option>
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
  useEffect(() => {
    setName(app.name);
    setRetention(String(app.retention_days));
  }, [app]);
  return (
    <section className="card">
      <header className="card-header">
        <div>
          <h2>Settings</h2>
          <p className="muted small">
            Retention applies to stored logs too (see Retention below); limits protect the platform
            from a noisy app.
          </p>
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
              toast('Settings saved', 'success');
              onSaved();
              void refresh();
            },
          );
        }}
      >
        <TextField label="Name" required value={name} onChange={setName} />
        <TextField
          label="Retention (days)"
          type="number"
          min={1}
          max={3650}
          required
          value={retention}
          onChange={setRetention}
        />
        <LimitField
          label="Rate limit (records/s)"
          value={rate}
          onChange={setRate}
          placeholder="platform default"
        />
        <LimitField
          label="Rate limit (bytes/s)"
          value={bytes}
          onChange={setBytes}
          placeholder="platform default"
        />
        <LimitField
          label="Daily quota (records)"
          value={quota}
          onChange={setQuota}
          placeholder="unlimited"
        />
        {error && <p className="form-error full-row">{error}</p>}
        <div className="button-row full-row">
          <button className="button button-primary" disabled={busy}>
            Save settings
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
  return (
    <section className="card danger-card">
      <header className="card-header">
        <div>
          <h2>Delete app</h2>
          <p className="muted small">
            Its keys stop working at once and its logs are removed. This cannot be undone.
          </p>
        </div>
        <button className="button button-danger" onClick={() => setOpen(true)}>
          <TrashIcon /> Delete app
        </button>
      </header>
      {open && (
        <FormDialog
          title={`Delete ${app.name}?`}
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
          submitLabel="Delete forever"
          danger
          disabled={busy || typed !== app.slug}
        >
          <TextField
            label={
              <>
                Type <strong className="mono">{app.slug}</strong> to confirm
              </>
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
