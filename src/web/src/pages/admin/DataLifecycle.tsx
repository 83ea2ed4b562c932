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
import { useT, type TFunction } from '../../i18n/I18nProvider.tsx';
import { Msg } from '../../i18n/Msg.tsx';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { useSession } from '../../lib/session.tsx';
import { formatShort, relativeAge } from '../../lib/time.ts';
import type { App, MeOrg } from '../../lib/types.ts';
import type { MessageKey } from '../../i18n/catalogues.ts';
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
  const t = useT();
  if (hold) {
    return (
      <button
        className="button button-small"
        disabled={busy}
        onClick={() =>
          submit(
            () => api(url, { method: 'DELETE' }),
            () => {
              toast(t('lifecycle.holdReleased'), 'success');
              onChanged();
            },
          )
        }
      >
        {t('lifecycle.releaseHold')}
      </button>
    );
  }
  return (
    <>
      <button className="button button-small" onClick={() => setOpen(true)}>
        <ShieldIcon /> {t('lifecycle.placeHold')}
      </button>
      {open && (
        <FormDialog
          title={t('lifecycle.holdTitle', { what })}
          onClose={() => setOpen(false)}
          onSubmit={() =>
            submit(
              () => api(url, { method: 'PUT', body: { reason: reason.trim() } }),
              () => {
                setOpen(false);
                toast(t('lifecycle.holdPlaced'), 'success');
                onChanged();
              },
            )
          }
          error={error}
          submitLabel={t('lifecycle.placeHoldSubmit')}
          disabled={busy || !reason.trim()}
        >
          <p className="muted small">{t('lifecycle.holdNote')}</p>
          <TextField
            label={t('lifecycle.reason')}
            autoFocus
            required
            value={reason}
            onChange={setReason}
            placeholder={t('lifecycle.reasonPlaceholder')}
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
        <ShieldIcon />{' '}
        <Msg
          id={hold.app_id === null ? 'lifecycle.onHoldOrg' : 'lifecycle.onHold'}
          values={{ reason: <span translate="no">{hold.reason}</span> }}
        />{' '}
        <span className="muted small">
          <Msg
            id="lifecycle.placedBy"
            values={{
              who: <span translate="no">{hold.placed_by}</span>,
              when: relativeAge(hold.placed_at),
            }}
          />
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
  const t = useT();
  return (
    <section className="card" aria-label={t('lifecycle.retention')}>
      <header className="card-header">
        <div>
          <h2>{t('lifecycle.retention')}</h2>
          <p className="muted small">{t('lifecycle.retentionBody')}</p>
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
              <dt>{t('lifecycle.keeps')}</dt>
              <dd>{t('lifecycle.days', { days: data.retention_days })}</dd>
            </div>
            <div>
              <dt>{t(hold ? 'lifecycle.wouldDeleteOlderThan' : 'lifecycle.deletesOlderThan')}</dt>
              <dd>{when(data.cutoff)}</dd>
            </div>
            <div>
              <dt>{t('lifecycle.takesEffectBy')}</dt>
              <dd data-testid="takes-effect">
                {hold ? t('lifecycle.afterRelease') : when(data.takes_effect_by)}
              </dd>
            </div>
            <div>
              <dt>{t('lifecycle.lastCleanup')}</dt>
              <dd>{lastCleanup(t, data.last_cleanup)}</dd>
            </div>
          </dl>
        </>
      )}
    </section>
  );
}

function lastCleanup(t: TFunction, cleanup: RetentionStatus['last_cleanup']): string {
  if (!cleanup) return t('lifecycle.notYet');
  const ago = relativeAge(cleanup.ran_at);
  if (cleanup.held) return t('lifecycle.cleanupHeld', { when: ago });
  return t('lifecycle.cleanupDeleted', { when: ago, rows: cleanup.rows_deleted });
}

function Status({ deletion }: { deletion: Deletion }) {
  const t = useT();
  if (deletion.status === 'running') {
    const pct = Math.round((deletion.progress ?? 0) * 100);
    return (
      <span className="deletion-progress">
        <progress max={100} value={pct} aria-label={t('lifecycle.progress')} />
        <span className="small">{t('lifecycle.percent', { fraction: pct / 100 })}</span>
      </span>
    );
  }
  const cls = { queued: 'pill', done: 'pill pill-ok', failed: 'pill pill-danger' }[deletion.status];
  return <span className={cls}>{t(`lifecycle.status.${deletion.status}`)}</span>;
}

/** What a request erases: the query and range, or the end user; ids and queries are user data. */
function describe(t: TFunction, d: Deletion, appName?: (id: string) => string): string {
  if (d.kind === 'user') return t('lifecycle.what.user', { user: d.user_id });
  const what =
    d.from && d.to
      ? t('lifecycle.what.range', { query: d.q, from: when(d.from), to: when(d.to) })
      : (d.q ?? '');
  return appName && d.app_id ? t('lifecycle.what.inApp', { what, app: appName(d.app_id) }) : what;
}

// The runner's two own failures, said in the reader's language; the API gives them as English text
// only (no code yet), so they are recognised here, and anything else is shown as the server said.
const HOLD_ERROR = /^a legal hold was placed before this deletion ran/;
const STILL_MATCHED = /^(\d+) rows still matched after (\d+) attempts$/;

function DeletionError({ t, error }: { t: TFunction; error: string }) {
  const still = STILL_MATCHED.exec(error);
  const text = HOLD_ERROR.test(error)
    ? t('lifecycle.error.legalHold')
    : still
      ? t('lifecycle.error.stillMatched', { rows: Number(still[1]), attempts: Number(still[2]) })
      : null;
  return (
    <div className="form-error small" translate={text ? undefined : 'no'}>
      {text ?? error}
    </div>
  );
}

function rowsText(t: TFunction, d: Deletion): string {
  if (d.rows_matched === null) return '—';
  if (d.status === 'done') return t('lifecycle.rowsDeleted', { rows: d.rows_matched });
  const done = d.rows_matched - (d.rows_remaining ?? d.rows_matched);
  return t('lifecycle.rowsProgress', { done, total: d.rows_matched });
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
  const t = useT();
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
              <th>{t('lifecycle.col.what')}</th>
              <th>{t('admin.col.status')}</th>
              <th>{t('lifecycle.col.rows')}</th>
              <th className="hide-sm">{t('lifecycle.col.requested')}</th>
            </>
          }
        >
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                {t('lifecycle.none')}
              </td>
            </tr>
          )}
          {rows.map((d) => (
            <tr key={d.id}>
              <td className="deletion-what">
                <span className="mono small">{describe(t, d, appName)}</span>
                {d.error && <DeletionError t={t} error={d.error} />}
              </td>
              <td>
                <Status deletion={d} />
              </td>
              <td>{rowsText(t, d)}</td>
              <td className="hide-sm muted small">
                <Msg
                  id="lifecycle.requestedBy"
                  values={{
                    when: relativeAge(d.created_at),
                    who: <span translate="no">{d.requested_by}</span>,
                  }}
                />
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
            {t('lifecycle.showOlder')}
          </button>
        </div>
      )}
    </>
  );
}

const RANGES: { label: MessageKey; from: string }[] = [
  { label: 'time.preset.24h', from: 'now-1d' },
  { label: 'time.preset.7d', from: 'now-7d' },
  { label: 'time.preset.30d', from: 'now-30d' },
  { label: 'lifecycle.range.year', from: 'now-365d' },
  { label: 'lifecycle.range.all', from: 'now-3650d' },
];

/** Deletion requests of one app: a query over a range, and their progress. */
export function AppDeletionsCard({ app }: { app: App }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [from, setFrom] = useState('now-30d');
  const [refreshKey, setRefreshKey] = useState(0);
  const { busy, error, setError, submit } = useSubmit();
  const toast = useToast();
  const t = useT();
  return (
    <section className="card" aria-label={t('lifecycle.requests')}>
      <header className="card-header">
        <div>
          <h2>{t('lifecycle.requests')}</h2>
          <p className="muted small">
            <Msg id="lifecycle.requestsBody" />
          </p>
        </div>
        <button
          className="button button-danger"
          onClick={() => {
            setError(null);
            setOpen(true);
          }}
        >
          <TrashIcon /> {t('lifecycle.deleteLogs')}
        </button>
      </header>
      <DeletionsTable path={`/v1/apps/${app.id}/deletions`} refreshKey={refreshKey} />
      {open && (
        <FormDialog
          title={t('lifecycle.deleteLogsTitle', { app: app.name })}
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
                toast(t('lifecycle.deletionRequested'), 'success');
                setRefreshKey((k) => k + 1);
              },
            )
          }
          error={error}
          submitLabel={t('lifecycle.deleteMatching')}
          danger
          disabled={busy || !q.trim()}
        >
          <TextField
            label={t('query.label')}
            name="deletion-query"
            autoFocus
            required
            translate="no"
            className="input mono"
            placeholder="user_id:u42"
            value={q}
            onChange={setQ}
          />
          <label>
            {t('lifecycle.receivedIn')}
            <select className="select" value={from} onChange={(e) => setFrom(e.target.value)}>
              {RANGES.map((r) => (
                <option key={r.from} value={r.from}>
                  {t(r.label)}
                </option>
              ))}
            </select>
          </label>
          <p className="muted small">{t('lifecycle.cannotUndo')}</p>
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
  const t = useT();
  const apps = useApi<{ apps: App[] }>(`/v1/orgs/${org.id}/apps`);
  const holds = useApi<{ legal_holds: LegalHold[] }>(`/v1/orgs/${org.id}/legal-holds`);
  const names = new Map((apps.data?.apps ?? []).map((a) => [a.id, a.name]));
  const orgHold = holds.data?.legal_holds.find((h) => h.app_id === null) ?? null;
  const appHolds = holds.data?.legal_holds.filter((h) => h.app_id !== null) ?? [];
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>{t('admin.nav.deletions')}</h1>
          <p className="muted">
            <Msg
              id="lifecycle.orgDescription"
              values={{ org: <span translate="no">{org.name}</span> }}
            />
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
          <span className="small" translate={names.has(h.app_id as string) ? 'no' : undefined}>
            {names.get(h.app_id as string) ?? t('lifecycle.anApp')}
          </span>
        </HoldBanner>
      ))}
      <section className="card" aria-label={t('lifecycle.erase')}>
        <header className="card-header">
          <div>
            <h2>{t('lifecycle.erase')}</h2>
            <p className="muted small">
              <Msg id="lifecycle.eraseBody" />
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
                toast(t('lifecycle.erasureRequested'), 'success');
                setRefreshKey((k) => k + 1);
              },
            );
          }}
        >
          <TextField
            label={t('lifecycle.endUserId')}
            name="erase-user-id"
            required
            translate="no"
            placeholder="u42"
            value={userId}
            onChange={setUserId}
          />
          {error && <p className="form-error full-row">{error}</p>}
          <div className="button-row full-row">
            <button className="button button-danger" disabled={busy || !userId.trim()}>
              <TrashIcon /> {t('lifecycle.eraseEverywhere')}
            </button>
          </div>
        </form>
      </section>
      <section className="card" aria-label={t('lifecycle.allLabel')}>
        <header className="card-header">
          <div>
            <h2>{t('lifecycle.all')}</h2>
            <p className="muted small">{t('lifecycle.allBody')}</p>
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
