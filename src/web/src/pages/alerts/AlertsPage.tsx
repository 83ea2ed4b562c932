// Alerts: the org's rules with their state; a rule's page with its instances, history and
// silences; create (also from the explorer's query: /alerts/new?q=…&apps=…), edit, mute, delete.
import { useEffect, useState } from 'react';
import { BellIcon } from '../../components/NotificationBell.tsx';
import {
  ConfirmDialog,
  EmptyState,
  LoadStatus,
  PageHeader,
  Table,
  useToast,
} from '../../components/ui.tsx';
import {
  measureLabel,
  stateLabel,
  type AlertEvent,
  type AlertRule,
  type AlertState,
  type Silence,
} from '../../lib/alerts.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { Link, navigate, useRoute } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { relativeAge } from '../../lib/time.ts';
import type { MeOrg } from '../../lib/types.ts';
import '../../alerts.css';
import { AlertForm, draftOf } from './AlertForm.tsx';

const canEdit = (org: MeOrg | null) => org !== null && org.role !== 'viewer';

export function StatePill({ state, muted }: { state: AlertState; muted?: boolean }) {
  return (
    <span className={`state-pill ${state}`} data-state={state}>
      <span className={`alert-dot state-${state}`} />
      {stateLabel(state)}
      {muted ? ' · muted' : ''}
    </span>
  );
}

/** States change on the server's schedule: look again every few seconds while the page is open. */
function useEvery(ms: number, reload: () => void): void {
  useEffect(() => {
    const timer = setInterval(reload, ms);
    return () => clearInterval(timer);
    // `reload` is a new function each render; the interval only needs the latest.
  }, [ms]);
}

const isMuted = (rule: AlertRule) =>
  rule.muted_until !== null && Date.parse(rule.muted_until) > Date.now();

export function AlertsPage({ path }: { path: string }) {
  const { org } = useSession();
  const route = useRoute();
  const id = path.split('/')[2];
  if (!org)
    return (
      <div className="page narrow">
        <p className="muted">Choose an organisation first.</p>
      </div>
    );
  if (id && id !== 'new') return <AlertDetail org={org} id={id} />;
  return (
    <AlertList
      org={org}
      creating={id === 'new'}
      q={route.search.get('q') ?? ''}
      apps={(route.search.get('apps') ?? '').split(',').filter(Boolean)}
    />
  );
}

function AlertList({
  org,
  creating,
  q,
  apps,
}: {
  org: MeOrg;
  creating: boolean;
  q: string;
  apps: string[];
}) {
  const list = useApi<{ alerts: AlertRule[] }>('/v1/alerts', { org: org.id });
  useEvery(10_000, list.reload);
  const editable = canEdit(org);
  const newButton = editable && (
    <button className="button button-primary" onClick={() => navigate('/alerts/new')}>
      New alert
    </button>
  );
  return (
    <div className="page">
      <PageHeader
        title="Alerts"
        description="Rules on your logs, checked on a schedule; you are told when they fire and when they resolve."
        action={newButton}
      />
      <LoadStatus data={list.data} error={list.error} />
      {list.data?.alerts.length === 0 && (
        <EmptyState title="No alerts yet" icon={<BellIcon size={22} />}>
          <p className="muted">
            Start from a search in the explorer (the bell button next to the query), or create one
            here.
          </p>
          {newButton}
        </EmptyState>
      )}
      {list.data && list.data.alerts.length > 0 && (
        <Table
          head={
            <>
              <th>State</th>
              <th>Name</th>
              <th className="hide-sm">Condition</th>
              <th className="hide-sm">Every</th>
              <th className="hide-sm">Checked</th>
            </>
          }
        >
          {list.data.alerts.map((rule) => (
            <tr key={rule.id} className="clickable" onClick={() => navigate(`/alerts/${rule.id}`)}>
              <td>
                {rule.enabled ? (
                  <StatePill state={rule.state} muted={isMuted(rule)} />
                ) : (
                  <span className="pill pill-muted">disabled</span>
                )}
              </td>
              <td>
                <Link href={`/alerts/${rule.id}`}>{rule.name}</Link>
                {rule.last_error && <div className="form-error small">{rule.last_error}</div>}
              </td>
              <td className="hide-sm mono small">
                {measureLabel(rule.measure)} {rule.condition.op} {rule.condition.threshold} over{' '}
                {rule.window}
              </td>
              <td className="hide-sm">{rule.every}</td>
              <td className="hide-sm muted">
                {rule.last_eval_at ? relativeAge(rule.last_eval_at) : 'not yet'}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {creating && (
        <AlertForm
          org={org}
          rule={null}
          initial={draftOf(null, q, apps)}
          onClose={() => navigate('/alerts', { replace: true })}
          onSaved={(rule) => navigate(`/alerts/${rule.id}`, { replace: true })}
        />
      )}
    </div>
  );
}

function AlertDetail({ org, id }: { org: MeOrg; id: string }) {
  const rule = useApi<{ alert: AlertRule }>(`/v1/alerts/${id}`);
  const events = useApi<{ events: AlertEvent[] }>(`/v1/alerts/${id}/events`, { limit: 100 });
  useEvery(10_000, () => {
    rule.reload();
    events.reload();
  });
  const silences = useApi<{ silences: Silence[] }>('/v1/alert-silences', {
    org: org.id,
    active: true,
  });
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toast = useToast();
  const editable = canEdit(org);
  const r = rule.data?.alert;
  if (!r) {
    return (
      <div className="page">
        <p>
          <Link href="/alerts">← Alerts</Link>
        </p>
        <LoadStatus data={r} error={rule.error} />
      </div>
    );
  }
  const patch = (body: object, message: string): void => {
    setError(null);
    api(`/v1/alerts/${r.id}`, { method: 'PATCH', body }).then(
      () => {
        toast(message);
        rule.reload();
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  const muted = isMuted(r);
  const ruleSilences =
    silences.data?.silences.filter((s) => s.rule_id === null || s.rule_id === r.id) ?? [];
  return (
    <div className="page">
      <p>
        <Link href="/alerts">← Alerts</Link>
      </p>
      <PageHeader
        title={r.name}
        description={
          <>
            {r.enabled ? (
              <StatePill state={r.state} muted={muted} />
            ) : (
              <span className="pill pill-muted">disabled</span>
            )}{' '}
            <span className="mono small">
              {measureLabel(r.measure)} {r.condition.op} {r.condition.threshold} over {r.window},
              every {r.every}
            </span>
          </>
        }
        action={
          editable && (
            <div className="button-row">
              <button
                className="button"
                onClick={() =>
                  patch(
                    { muted_until: muted ? null : new Date(Date.now() + 3600_000).toISOString() },
                    muted ? 'Unmuted' : 'Muted for an hour',
                  )
                }
              >
                {muted ? 'Unmute' : 'Mute 1 h'}
              </button>
              <button
                className="button"
                onClick={() => patch({ enabled: !r.enabled }, r.enabled ? 'Disabled' : 'Enabled')}
              >
                {r.enabled ? 'Disable' : 'Enable'}
              </button>
              <button className="button" onClick={() => setEditing(true)}>
                Edit
              </button>
              <button className="button button-danger" onClick={() => setDeleting(true)}>
                Delete
              </button>
            </div>
          )
        }
      />
      {error && <p className="form-error">{error}</p>}
      {r.last_error && <p className="form-error">Last evaluation: {r.last_error}</p>}
      <dl className="detail-grid">
        <div>
          <dt>Query</dt>
          <dd className="mono">{r.q || '(all logs)'}</dd>
        </div>
        <div>
          <dt>Group by</dt>
          <dd>{r.group_by.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>For</dt>
          <dd>{r.for}</dd>
        </div>
        <div>
          <dt>Empty window</dt>
          <dd>{r.no_data}</dd>
        </div>
        <div>
          <dt>Renotify</dt>
          <dd>{r.renotify ?? 'never'}</dd>
        </div>
        <div>
          <dt>Muted until</dt>
          <dd>{muted && r.muted_until ? new Date(r.muted_until).toLocaleString() : '—'}</dd>
        </div>
        <div>
          <dt>Last checked</dt>
          <dd>{r.last_eval_at ? relativeAge(r.last_eval_at) : 'not yet'}</dd>
        </div>
        <div>
          <dt>Open in explorer</dt>
          <dd>
            <Link href={`/logs?q=${encodeURIComponent(r.q)}&from=now-${r.window}`}>
              the window's logs
            </Link>
          </dd>
        </div>
      </dl>

      <h2 className="section-title">Instances</h2>
      {r.instances.length === 0 ? (
        <p className="muted">Not evaluated yet.</p>
      ) : (
        <Table
          head={
            <>
              <th>State</th>
              <th>Group</th>
              <th className="num">Value</th>
              <th>Since</th>
            </>
          }
        >
          {r.instances.map((i) => (
            <tr key={JSON.stringify(i.group)}>
              <td>
                <StatePill state={i.state} />
                {i.flapping && <span className="pill pill-warn"> flapping</span>}
              </td>
              <td className="mono small">
                {Object.entries(i.group)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ') || '—'}
              </td>
              <td className="num">{i.value ?? '—'}</td>
              <td className="muted">{relativeAge(i.since)}</td>
            </tr>
          ))}
        </Table>
      )}

      <h2 className="section-title">Silences</h2>
      <Silences
        org={org}
        rule={r}
        silences={ruleSilences}
        editable={editable}
        onChange={silences.reload}
      />

      <h2 className="section-title">History</h2>
      <LoadStatus data={events.data} error={events.error} />
      {events.data?.events.length === 0 && <p className="muted">No state changes yet.</p>}
      {events.data && events.data.events.length > 0 && (
        <Table
          head={
            <>
              <th>When</th>
              <th>Change</th>
              <th className="hide-sm">Group</th>
              <th className="num">Value</th>
              <th>Notified</th>
            </>
          }
        >
          {events.data.events.map((e) => (
            <tr key={e.id}>
              <td className="muted" title={e.at}>
                {new Date(e.at).toLocaleString()}
              </td>
              <td>
                {stateLabel(e.from)} → <strong>{stateLabel(e.to)}</strong>
              </td>
              <td className="hide-sm mono small">
                {Object.entries(e.group)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ') || '—'}
              </td>
              <td className="num">{e.value ?? '—'}</td>
              <td>{e.notification ?? '—'}</td>
            </tr>
          ))}
        </Table>
      )}
      {editing && (
        <AlertForm
          org={org}
          rule={r}
          initial={draftOf(r)}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            rule.reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${r.name}?`}
          message="The rule and its history are deleted. Notifications already sent stay sent."
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(false)}
          onConfirm={() =>
            api(`/v1/alerts/${r.id}`, { method: 'DELETE' }).then(() => navigate('/alerts'))
          }
        />
      )}
    </div>
  );
}

function Silences({
  org,
  rule,
  silences,
  editable,
  onChange,
}: {
  org: MeOrg;
  rule: AlertRule;
  silences: Silence[];
  editable: boolean;
  onChange: () => void;
}) {
  const [hours, setHours] = useState('1');
  const [matcher, setMatcher] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = (): void => {
    setError(null);
    const pairs = matcher
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((p) => p.split('='));
    if (pairs.some((p) => p.length !== 2 || !p[0])) {
      setError('Write the groups to silence as key=value pairs, e.g. host=web-1');
      return;
    }
    api('/v1/alert-silences', {
      method: 'POST',
      body: {
        org: org.id,
        rule_id: rule.id,
        matcher: Object.fromEntries(pairs),
        ends_at: new Date(Date.now() + Number(hours) * 3600_000).toISOString(),
      },
    }).then(onChange, (e: unknown) => setError(errorMessage(e)));
  };
  return (
    <div>
      {silences.length === 0 && <p className="muted">No active silence.</p>}
      {silences.map((s) => (
        <p key={s.id} className="small">
          {s.rule_id === null ? 'Every rule' : 'This rule'},{' '}
          {Object.keys(s.matcher).length
            ? Object.entries(s.matcher)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')
            : 'every group'}
          : until {new Date(s.ends_at).toLocaleString()} {s.comment && `(${s.comment})`}{' '}
          {editable && (
            <button
              className="link-button"
              onClick={() =>
                void api(`/v1/alert-silences/${s.id}`, { method: 'DELETE' }).then(onChange)
              }
            >
              end now
            </button>
          )}
        </p>
      ))}
      {editable && (
        <div className="button-row silence-form">
          <input
            className="input"
            aria-label="Groups to silence"
            placeholder="host=web-1 (empty: all groups)"
            value={matcher}
            onChange={(e) => setMatcher(e.target.value)}
          />
          <select
            className="select"
            aria-label="Silence for"
            value={hours}
            onChange={(e) => setHours(e.target.value)}
          >
            <option value="1">1 hour</option>
            <option value="4">4 hours</option>
            <option value="24">1 day</option>
          </select>
          <button className="button" onClick={add}>
            Silence
          </button>
        </div>
      )}
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}
