// Data lifecycle in the admin console: an app's retention (when a change reaches stored rows) and
// legal hold, deletion requests by query on an app, and erasure of one end user across the org.
import { useEffect, useState } from 'react';
import { ShieldIcon, TrashIcon } from '../../components/icons.tsx';
import {
  FormDialog,
  LoadStatus,
  Table,
  TextField,
  useSubmit,
  useToast,
} from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { useSession } from '../../lib/session.tsx';
import { formatShort, relativeAge } from '../../lib/time.ts';
import type { App, MeOrg } from '../../lib/types.ts';
import '../../data-lifecycle.css';

interface LegalHold {
  id: string;
  org_id: string;
  app_id: string | null;
  reason: string;
  placed_by: string;
  placed_at: string;
}

interface RetentionStatus {
  retention_days: number;
  cutoff: string;
  takes_effect_by: string;
  last_cleanup: {
    ran_at: string;
    retention_days: number;
    rows_deleted: number;
    held: boolean;
  } | null;
  legal_hold: LegalHold | null;
}

export interface Deletion {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  app_id: string | null;
  kind: 'query' | 'user';
  q: string | null;
  user_id: string | null;
  from: string | null;
  to: string | null;
  rows_matched: number | null;
  rows_remaining: number | null;
  progress: number | null;
  error: string | null;
  requested_by: string;
  created_at: string;
  finished_at: string | null;
}

interface DeletionPage {
  deletions: Deletion[];
  next_cursor: string | null;
}

const when = (iso: string) => formatShort(Date.parse(iso));
const OPEN = new Set(['queued', 'running']);
const POLL_MS = 2000;

/** Reloads every POLL_MS while `active`, so progress moves on screen without a refresh. */
function usePoll(active: boolean, reload: () => void): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
    // reload is a new function each render; `active` decides.
  }, [active]);
}

function HoldButton({
  url,
  hold,
  what,
  onChanged,
}: {
  url: string;
  hold: LegalHold | null;
  what: string;
  onChanged: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, submit } = useSubmit();
  const toast = useToast();
  if (hold) {
    return (
      <button
        className="button button-small"
        disabled={busy}
        onClick={() =>
          submit(
            () => api(url, { method: 'DELETE' }),
            () => {
              toast('Legal hold released', 'success');
              onChanged();
            },
          )
        }
      >
        Release hold
      </button>
    );
  }
  return (
    <>
      <button className="button button-small" onClick={() => setOpen(true)}>
        <ShieldIcon /> Place legal hold
      </button>
      {open && (
        <FormDialog
          title={`Legal hold on ${what}`}
          onClose={() => setOpen(false)}
          onSubmit={() =>
            submit(
              () => api(url, { method: 'PUT', body: { reason: reason.trim() } }),
              () => {
                setOpen(false);
                toast('Legal hold placed', 'success');
                onChanged();
              },
            )
          }
          error={error}
          submitLabel="Place hold"
          disabled={busy || !reason.trim()}
        >
          <p className="muted small">
            While on hold nothing is deleted: not by retention, not by deletion requests.
          </p>
          <TextField
            label="Reason"
            autoFocus
            required
            value={reason}
            onChange={setReason}
            placeholder="case or matter reference"
          />
        </FormDialog>
      )}
    </>
  );
}

function HoldBanner({ hold, children }: { hold: LegalHold; children?: React.ReactNode }) {
  return (
    <div className="hold-banner" role="status">
      <span>
        <ShieldIcon /> <strong>On legal hold</strong>
        {hold.app_id === null ? ' (whole organisation)' : ''}: {hold.reason}.{' '}
        <span className="muted small">
          Placed by {hold.placed_by} {relativeAge(hold.placed_at)}. Nothing is deleted until it is
          released.
        </span>
      </span>
      {children}
    </div>
  );
}

/** Retention of one app as it applies to stored rows, and its legal hold. */
export function RetentionCard({ app }: { app: App }) {
  const { me } = useSession();
  const { data, error, reload } = useApi<RetentionStatus>(`/v1/apps/${app.id}/retention`);
  // Saving the settings changes the retention: read the new cutoff and date.
  useEffect(reload, [app.retention_days]);
  const platformAdmin = me?.user.platform_admin ?? false;
  const hold = data?.legal_hold ?? null;
  return (
    <section className="card" aria-label="Retention">
      <header className="card-header">
        <div>
          <h2>Retention</h2>
          <p className="muted small">
            Applies to everything stored, not only to new logs: a cleanup deletes rows older than
            the retention.
          </p>
        </div>
        {platformAdmin && (!hold || hold.app_id !== null) && (
          <HoldButton
            url={`/v1/apps/${app.id}/legal-hold`}
            hold={hold}
            what={app.name}
            onChanged={reload}
          />
        )}
      </header>
      <LoadStatus data={data} error={error} />
      {data && (
        <>
          {hold && <HoldBanner hold={hold} />}
          <dl className="lifecycle-facts">
            <div>
              <dt>Keeps</dt>
              <dd>{data.retention_days} days</dd>
            </div>
            <div>
              <dt>{hold ? 'Would delete' : 'Deletes'} rows older than</dt>
              <dd>{when(data.cutoff)}</dd>
            </div>
            <div>
              <dt>A change takes effect by</dt>
              <dd data-testid="takes-effect">
                {hold ? 'after the hold is released' : when(data.takes_effect_by)}
              </dd>
            </div>
            <div>
              <dt>Last cleanup</dt>
              <dd>
                {data.last_cleanup
                  ? `${relativeAge(data.last_cleanup.ran_at)}: ${
                      data.last_cleanup.held
                        ? 'held, nothing deleted'
                        : `${data.last_cleanup.rows_deleted.toLocaleString()} rows deleted`
                    }`
                  : 'not yet'}
              </dd>
            </div>
          </dl>
        </>
      )}
    </section>
  );
}

function Status({ deletion }: { deletion: Deletion }) {
  if (deletion.status === 'running') {
    const pct = Math.round((deletion.progress ?? 0) * 100);
    return (
      <span className="deletion-progress">
        <progress max={100} value={pct} aria-label="Deletion progress" />
        <span className="small">{pct} %</span>
      </span>
    );
  }
  const cls = { queued: 'pill', done: 'pill pill-ok', failed: 'pill pill-danger' }[deletion.status];
  return (
    <span className={cls} title={deletion.error ?? undefined}>
      {deletion.status}
    </span>
  );
}

function describe(d: Deletion, appName?: (id: string) => string): string {
  if (d.kind === 'user') return `end user ${d.user_id} in every app`;
  const range = d.from && d.to ? ` from ${when(d.from)} to ${when(d.to)}` : '';
  return `${d.q}${range}${appName && d.app_id ? ` in ${appName(d.app_id)}` : ''}`;
}

/** One page after another of deletion requests, newest first, refreshed while some are open. */
function DeletionsTable({
  path,
  appName,
  refreshKey,
}: {
  path: string;
  appName?: (id: string) => string;
  refreshKey: number;
}) {
  const [cursor, setCursor] = useState<string | null>(null);
  const [earlier, setEarlier] = useState<Deletion[]>([]);
  const { data, error, reload } = useApi<DeletionPage>(path, { limit: 20, cursor });
  const rows = [...earlier, ...(data?.deletions ?? [])];
  usePoll(rows.some((d) => OPEN.has(d.status)) && cursor === null, reload);
  useEffect(() => {
    setCursor(null);
    setEarlier([]);
    if (refreshKey > 0) reload();
  }, [path, refreshKey]);
  return (
    <>
      <LoadStatus data={data} error={error} />
      {data && (
        <Table
          head={
            <>
              <th>What</th>
              <th>Status</th>
              <th>Rows</th>
              <th className="hide-sm">Requested</th>
            </>
          }
        >
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No deletion requests yet.
              </td>
            </tr>
          )}
          {rows.map((d) => (
            <tr key={d.id}>
              <td className="deletion-what">
                <span className="mono small">{describe(d, appName)}</span>
                {d.error && <div className="form-error small">{d.error}</div>}
              </td>
              <td>
                <Status deletion={d} />
              </td>
              <td>
                {d.rows_matched === null
                  ? '—'
                  : d.status === 'done'
                    ? `${d.rows_matched.toLocaleString()} deleted`
                    : `${(d.rows_matched - (d.rows_remaining ?? d.rows_matched)).toLocaleString()} of ${d.rows_matched.toLocaleString()}`}
              </td>
              <td className="hide-sm muted small">
                {relativeAge(d.created_at)} by {d.requested_by}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {data?.next_cursor && (
        <div className="button-row">
          <button
            className="button button-small"
            onClick={() => {
              setEarlier(rows);
              setCursor(data.next_cursor);
            }}
          >
            Show older
          </button>
        </div>
      )}
    </>
  );
}

const RANGES = [
  { label: 'Last 24 hours', from: 'now-1d' },
  { label: 'Last 7 days', from: 'now-7d' },
  { label: 'Last 30 days', from: 'now-30d' },
  { label: 'Last year', from: 'now-365d' },
  { label: 'Everything kept', from: 'now-3650d' },
];

/** Deletion requests of one app: a query over a range, and their progress. */
export function AppDeletionsCard({ app }: { app: App }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [from, setFrom] = useState('now-30d');
  const [refreshKey, setRefreshKey] = useState(0);
  const { busy, error, setError, submit } = useSubmit();
  const toast = useToast();
  return (
    <section className="card" aria-label="Deletion requests">
      <header className="card-header">
        <div>
          <h2>Deletion requests</h2>
          <p className="muted small">
            Erase the logs a query matches (for example <code className="mono">user_id:u42</code>).
            Rows are gone from search, tail resume and exports once the request is done.
          </p>
        </div>
        <button
          className="button button-danger"
          onClick={() => {
            setError(null);
            setOpen(true);
          }}
        >
          <TrashIcon /> Delete logs…
        </button>
      </header>
      <DeletionsTable path={`/v1/apps/${app.id}/deletions`} refreshKey={refreshKey} />
      {open && (
        <FormDialog
          title={`Delete logs of ${app.name}`}
          onClose={() => setOpen(false)}
          onSubmit={() =>
            submit(
              () =>
                api<Deletion>(`/v1/apps/${app.id}/deletions`, {
                  method: 'POST',
                  body: { q: q.trim(), from, to: 'now' },
                }),
              () => {
                setOpen(false);
                setQ('');
                toast('Deletion requested', 'success');
                setRefreshKey((k) => k + 1);
              },
            )
          }
          error={error}
          submitLabel="Delete matching logs"
          danger
          disabled={busy || !q.trim()}
        >
          <TextField
            label="Query"
            name="deletion-query"
            autoFocus
            required
            className="input mono"
            placeholder="user_id:u42"
            value={q}
            onChange={setQ}
          />
          <label>
            Received in
            <select className="select" value={from} onChange={(e) => setFrom(e.target.value)}>
              {RANGES.map((r) => (
                <option key={r.from} value={r.from}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <p className="muted small">
            This cannot be undone. The request is recorded in the audit log.
          </p>
        </FormDialog>
      )}
    </section>
  );
}

/** The org's deletion page: erase an end user everywhere, every request, org legal hold. */
export function OrgDeletionsPage({ org }: { org: MeOrg }) {
  const { me } = useSession();
  const [userId, setUserId] = useState('');
  const [refreshKey, setRefreshKey] = useState(0);
  const { busy, error, setError, submit } = useSubmit();
  const toast = useToast();
  const apps = useApi<{ apps: App[] }>(`/v1/orgs/${org.id}/apps`);
  const holds = useApi<{ legal_holds: LegalHold[] }>(`/v1/orgs/${org.id}/legal-holds`);
  const names = new Map((apps.data?.apps ?? []).map((a) => [a.id, a.name]));
  const orgHold = holds.data?.legal_holds.find((h) => h.app_id === null) ?? null;
  const appHolds = holds.data?.legal_holds.filter((h) => h.app_id !== null) ?? [];
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Data deletion</h1>
          <p className="muted">
            Erasure requests (GDPR “right to erasure”) and legal holds of {org.name}.
          </p>
        </div>
        {me?.user.platform_admin && (
          <HoldButton
            url={`/v1/orgs/${org.id}/legal-hold`}
            hold={orgHold}
            what={org.name}
            onChanged={holds.reload}
          />
        )}
      </header>
      {orgHold && <HoldBanner hold={orgHold} />}
      {appHolds.map((h) => (
        <HoldBanner key={h.id} hold={h}>
          <span className="small">{names.get(h.app_id as string) ?? 'an app'}</span>
        </HoldBanner>
      ))}
      <section className="card" aria-label="Erase an end user">
        <header className="card-header">
          <div>
            <h2>Erase an end user</h2>
            <p className="muted small">
              Deletes every log line whose <code className="mono">user_id</code> is this id, in all
              apps, whenever it was received.
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
                api<Deletion>(`/v1/orgs/${org.id}/deletions`, {
                  method: 'POST',
                  body: { user_id: userId.trim() },
                }),
              () => {
                setUserId('');
                toast('Erasure requested', 'success');
                setRefreshKey((k) => k + 1);
              },
            );
          }}
        >
          <TextField
            label="End user id"
            name="erase-user-id"
            required
            placeholder="u42"
            value={userId}
            onChange={setUserId}
          />
          {error && <p className="form-error full-row">{error}</p>}
          <div className="button-row full-row">
            <button className="button button-danger" disabled={busy || !userId.trim()}>
              <TrashIcon /> Erase everywhere
            </button>
          </div>
        </form>
      </section>
      <section className="card" aria-label="All deletion requests">
        <header className="card-header">
          <div>
            <h2>All requests</h2>
            <p className="muted small">Per app and per end user, newest first.</p>
          </div>
        </header>
        <DeletionsTable
          path={`/v1/orgs/${org.id}/deletions`}
          appName={(id) => names.get(id) ?? id}
          refreshKey={refreshKey}
        />
      </section>
    </div>
  );
}
