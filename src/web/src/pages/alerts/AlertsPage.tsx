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
import { useT } from '../../i18n/I18nProvider.tsx';
import {
  measureLabel,
  notificationLabel,
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
import { formatNumber } from '../../lib/dashboards.ts';
import { formatShort, relativeAge } from '../../lib/time.ts';
import type { MeOrg } from '../../lib/types.ts';
import '../../alerts.css';
import { AlertForm, draftOf } from './AlertForm.tsx';

const canEdit = (org: MeOrg | null) => org !== null && org.role !== 'viewer';

export function StatePill({ state, muted }: { state: AlertState; muted?: boolean }) {
  const t = useT();
  return (
    <span className={`state-pill ${state}`} data-state={state}>
      <span className={`alert-dot state-${state}`} />
      {stateLabel(state)}
      {muted ? ` ${t('alerts.mutedSuffix')}` : ''}
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

const groupText = (group: Record<string, string>) =>
  Object.entries(group)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '—';

const valueText = (value: number | null) => (value === null ? '—' : formatNumber(value));

export function AlertsPage({ path }: { path: string }) {
  const { org } = useSession();
  const route = useRoute();
  const t = useT();
  const id = path.split('/')[2];
  if (!org)
    return (
      <div className="page narrow">
        <p className="muted">{t('alerts.noOrg')}</p>
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
  const t = useT();
  const list = useApi<{ alerts: AlertRule[] }>('/v1/alerts', { org: org.id });
  useEvery(10_000, list.reload);
  const editable = canEdit(org);
  const newButton = editable && (
    <button className="button button-primary" onClick={() => navigate('/alerts/new')}>
      {t('alerts.new')}
    </button>
  );
  return (
    <div className="page">
      <PageHeader
        title={t('alerts.title')}
        description={t('alerts.description')}
        action={newButton}
      />
      <LoadStatus data={list.data} error={list.error} />
      {list.data?.alerts.length === 0 && (
        <EmptyState title={t('alerts.emptyTitle')} icon={<BellIcon size={22} />}>
          <p className="muted">{t('alerts.emptyBody')}</p>
          {newButton}
        </EmptyState>
      )}
      {list.data && list.data.alerts.length > 0 && (
        <Table
          head={
            <>
              <th>{t('alerts.col.state')}</th>
              <th>{t('alerts.col.name')}</th>
              <th className="hide-sm">{t('alerts.col.condition')}</th>
              <th className="hide-sm">{t('alerts.col.every')}</th>
              <th className="hide-sm">{t('alerts.col.checked')}</th>
            </>
          }
        >
          {list.data.alerts.map((rule) => (
            <tr key={rule.id} className="clickable" onClick={() => navigate(`/alerts/${rule.id}`)}>
              <td>
                {rule.enabled ? (
                  <StatePill state={rule.state} muted={isMuted(rule)} />
                ) : (
                  <span className="pill pill-muted">{t('alerts.disabled')}</span>
                )}
              </td>
              <td>
                <Link href={`/alerts/${rule.id}`} translate="no">
                  {rule.name}
                </Link>
                {rule.last_error && <div className="form-error small">{rule.last_error}</div>}
              </td>
              <td className="hide-sm mono small">
                {t('alerts.condition', {
                  measure: measureLabel(rule.measure),
                  op: rule.condition.op,
                  threshold: String(rule.condition.threshold),
                  window: rule.window,
                })}
              </td>
              <td className="hide-sm">{rule.every}</td>
              <td className="hide-sm muted">
                {rule.last_eval_at ? relativeAge(rule.last_eval_at) : t('alerts.notYet')}
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
  const t = useT();
  const editable = canEdit(org);
  const r = rule.data?.alert;
  if (!r) {
    return (
      <div className="page">
        <p>
          <Link href="/alerts">{t('alerts.back')}</Link>
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
        <Link href="/alerts">{t('alerts.back')}</Link>
      </p>
      <PageHeader
        title={<span translate="no">{r.name}</span>}
        description={
          <>
            {r.enabled ? (
              <StatePill state={r.state} muted={muted} />
            ) : (
              <span className="pill pill-muted">{t('alerts.disabled')}</span>
            )}{' '}
            <span className="mono small">
              {t('alerts.conditionEvery', {
                measure: measureLabel(r.measure),
                op: r.condition.op,
                threshold: String(r.condition.threshold),
                window: r.window,
                every: r.every,
              })}
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
                    muted ? t('alerts.unmuted') : t('alerts.mutedForHour'),
                  )
                }
              >
                {muted ? t('alerts.unmute') : t('alerts.mute')}
              </button>
              <button
                className="button"
                onClick={() =>
                  patch(
                    { enabled: !r.enabled },
                    r.enabled ? t('alerts.disabledToast') : t('alerts.enabledToast'),
                  )
                }
              >
                {r.enabled ? t('alerts.disable') : t('alerts.enable')}
              </button>
              <button className="button" onClick={() => setEditing(true)}>
                {t('alerts.edit')}
              </button>
              <button className="button button-danger" onClick={() => setDeleting(true)}>
                {t('common.delete')}
              </button>
            </div>
          )
        }
      />
      {error && <p className="form-error">{error}</p>}
      {r.last_error && (
        <p className="form-error">{t('alerts.lastEvaluation', { error: r.last_error })}</p>
      )}
      <dl className="detail-grid">
        <div>
          <dt>{t('alerts.field.query')}</dt>
          {r.q ? (
            <dd className="mono" translate="no">
              {r.q}
            </dd>
          ) : (
            <dd className="mono">{t('alerts.allLogs')}</dd>
          )}
        </div>
        <div>
          <dt>{t('alerts.field.groupBy')}</dt>
          <dd translate="no">{r.group_by.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>{t('alerts.field.for')}</dt>
          <dd>{r.for}</dd>
        </div>
        <div>
          <dt>{t('alerts.field.noData')}</dt>
          <dd>{t(`alerts.noData.${r.no_data}`)}</dd>
        </div>
        <div>
          <dt>{t('alerts.field.renotify')}</dt>
          <dd>{r.renotify ?? t('time.never')}</dd>
        </div>
        <div>
          <dt>{t('alerts.field.mutedUntil')}</dt>
          <dd>{muted && r.muted_until ? formatShort(Date.parse(r.muted_until)) : '—'}</dd>
        </div>
        <div>
          <dt>{t('alerts.field.lastChecked')}</dt>
          <dd>{r.last_eval_at ? relativeAge(r.last_eval_at) : t('alerts.notYet')}</dd>
        </div>
        <div>
          <dt>{t('alerts.field.explorer')}</dt>
          <dd>
            <Link href={`/logs?q=${encodeURIComponent(r.q)}&from=now-${r.window}`}>
              {t('alerts.windowLogs')}
            </Link>
          </dd>
        </div>
      </dl>

      <h2 className="section-title">{t('alerts.instances')}</h2>
      {r.instances.length === 0 ? (
        <p className="muted">{t('alerts.notEvaluated')}</p>
      ) : (
        <Table
          head={
            <>
              <th>{t('alerts.col.state')}</th>
              <th>{t('alerts.col.group')}</th>
              <th className="num">{t('alerts.col.value')}</th>
              <th>{t('alerts.col.since')}</th>
            </>
          }
        >
          {r.instances.map((i) => (
            <tr key={JSON.stringify(i.group)}>
              <td>
                <StatePill state={i.state} />
                {i.flapping && <span className="pill pill-warn"> {t('alerts.flapping')}</span>}
              </td>
              <td className="mono small" translate="no">
                {groupText(i.group)}
              </td>
              <td className="num">{valueText(i.value)}</td>
              <td className="muted">{relativeAge(i.since)}</td>
            </tr>
          ))}
        </Table>
      )}

      <h2 className="section-title">{t('alerts.silences')}</h2>
      <Silences
        org={org}
        rule={r}
        silences={ruleSilences}
        editable={editable}
        onChange={silences.reload}
      />

      <h2 className="section-title">{t('alerts.history')}</h2>
      <LoadStatus data={events.data} error={events.error} />
      {events.data?.events.length === 0 && <p className="muted">{t('alerts.noChanges')}</p>}
      {events.data && events.data.events.length > 0 && (
        <Table
          head={
            <>
              <th>{t('alerts.col.when')}</th>
              <th>{t('alerts.col.change')}</th>
              <th className="hide-sm">{t('alerts.col.group')}</th>
              <th className="num">{t('alerts.col.value')}</th>
              <th>{t('alerts.col.notified')}</th>
            </>
          }
        >
          {events.data.events.map((e) => (
            <tr key={e.id}>
              <td className="muted" title={e.at} translate="no">
                {formatShort(Date.parse(e.at))}
              </td>
              <td>
                {stateLabel(e.from)} → <strong>{stateLabel(e.to)}</strong>
              </td>
              <td className="hide-sm mono small" translate="no">
                {groupText(e.group)}
              </td>
              <td className="num">{valueText(e.value)}</td>
              <td>{e.notification ? notificationLabel(e.notification) : '—'}</td>
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
          title={t('alerts.deleteTitle', { name: r.name })}
          message={t('alerts.deleteMessage')}
          confirmLabel={t('common.delete')}
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
  const t = useT();
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
      setError(t('alerts.silence.pairsError'));
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
      {silences.length === 0 && <p className="muted">{t('alerts.silence.none')}</p>}
      {silences.map((s) => (
        <p key={s.id} className="small">
          {t('alerts.silence.line', {
            scope: s.rule_id === null ? 'all' : 'rule',
            groups: Object.keys(s.matcher).length
              ? groupText(s.matcher)
              : t('alerts.silence.everyGroup'),
            until: formatShort(Date.parse(s.ends_at)),
          })}{' '}
          {s.comment && <span translate="no">({s.comment})</span>}{' '}
          {editable && (
            <button
              className="link-button"
              onClick={() =>
                void api(`/v1/alert-silences/${s.id}`, { method: 'DELETE' }).then(onChange)
              }
            >
              {t('alerts.silence.endNow')}
            </button>
          )}
        </p>
      ))}
      {editable && (
        <div className="button-row silence-form">
          <input
            className="input"
            aria-label={t('alerts.silence.groups')}
            placeholder={t('alerts.silence.placeholder')}
            value={matcher}
            onChange={(e) => setMatcher(e.target.value)}
          />
          <select
            className="select"
            aria-label={t('alerts.silence.for')}
            value={hours}
            onChange={(e) => setHours(e.target.value)}
          >
            <option value="1">{t('alerts.silence.hours', { n: 1 })}</option>
            <option value="4">{t('alerts.silence.hours', { n: 4 })}</option>
            <option value="24">{t('alerts.silence.days', { n: 1 })}</option>
          </select>
          <button className="button" onClick={add}>
            {t('alerts.silence.submit')}
          </button>
        </div>
      )}
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}
