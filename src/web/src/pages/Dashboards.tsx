// Dashboards: the list (built-ins first), and one dashboard with its time range, variables,
// refresh interval, edit mode (drag, resize, panel editor), duplicate, share, export and delete.
import { useEffect, useMemo, useState } from 'react';
import '../dashboards.css';
import { DashboardGrid } from '../components/dashboards/DashboardGrid.tsx';
import { normalise, PanelEditor } from '../components/dashboards/PanelEditor.tsx';
import { PanelView, type PanelContext } from '../components/dashboards/PanelView.tsx';
import { TimeRangePicker } from '../components/TimeRangePicker.tsx';
import { useT, type TFunction } from '../i18n/I18nProvider.tsx';
import { Msg } from '../i18n/Msg.tsx';
import {
  builtinDescription,
  builtinPanelTitle,
  builtinTitle,
} from '../components/dashboards/builtin-texts.ts';
import {
  ConfirmDialog,
  EmptyState,
  FormDialog,
  LoadStatus,
  PageHeader,
  TextField,
  useSubmit,
  useToast,
} from '../components/ui.tsx';
import { api, errorMessage } from '../lib/api.ts';
import { listDashboards, type Dashboard, type Layout, type Panel } from '../lib/dashboards.ts';
import { useApi } from '../lib/hooks.ts';
import { Link, navigate, useRoute } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import type { TimeRange } from '../lib/time.ts';

const REFRESH_MS = [0, 10_000, 60_000, 300_000];

function refreshLabel(t: TFunction, ms: number): string {
  if (ms === 0) return t('dashboards.refreshOff');
  return ms < 60_000
    ? t('dashboards.refreshSeconds', { n: ms / 1000 })
    : t('dashboards.refreshMinutes', { n: ms / 60_000 });
}

export function DashboardsPage({ path }: { path: string }) {
  const builtin = /^\/dashboards\/builtin\/(overview|ingest_health)$/.exec(path);
  if (builtin) return <DashboardView builtin={builtin[1] as string} />;
  const one = /^\/dashboards\/([0-9a-f-]{36})$/.exec(path);
  if (one) return <DashboardView id={one[1] as string} />;
  return <DashboardList />;
}

function DashboardList() {
  const { org } = useSession();
  const t = useT();
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{
    data?: Awaited<ReturnType<typeof listDashboards>>;
    error?: unknown;
  }>({});
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const { busy, error, submit } = useSubmit();
  useEffect(() => {
    if (!org) return;
    listDashboards(org.id).then(
      (data) => setState({ data }),
      (e: unknown) => setState({ error: e }),
    );
  }, [org, tick]);
  if (!org)
    return (
      <div className="page">
        <p className="muted">{t('dashboards.noOrg')}</p>
      </div>
    );
  const canEdit = org.role !== 'viewer';
  return (
    <div className="page dash-page">
      <PageHeader
        title={t('dashboards.title')}
        description={
          <Msg
            id="dashboards.description"
            values={{ org: <span translate="no">{org.name}</span> }}
          />
        }
        action={
          canEdit && (
            <button className="button button-primary" onClick={() => setCreating(true)}>
              {t('dashboards.new')}
            </button>
          )
        }
      />
      <LoadStatus data={state.data} error={state.error} />
      {state.data && (
        <ul className="dash-list">
          {state.data.builtin.map((b) => (
            <li key={b.name}>
              <Link href={`/dashboards/builtin/${b.name}`}>{builtinTitle(b.name, b.title)}</Link>
              <span className="role-pill">{t('dashboards.builtinPill')}</span>
            </li>
          ))}
          {state.data.dashboards.map((d) => (
            <li key={d.id}>
              <Link href={`/dashboards/${d.id}`} translate="no">
                {d.name}
              </Link>
              <span className="muted small" translate="no">
                {d.description}
              </span>
              <span className="role-pill">
                {d.visibility === 'org' ? t('dashboards.shared') : t('dashboards.private')}
              </span>
            </li>
          ))}
        </ul>
      )}
      {state.data && state.data.dashboards.length === 0 && (
        <EmptyState title={t('dashboards.emptyTitle')}>
          {canEdit ? t('dashboards.emptyCanCreate') : t('dashboards.emptyViewer')}
        </EmptyState>
      )}
      {creating && (
        <FormDialog
          title={t('dashboards.new')}
          onClose={() => setCreating(false)}
          error={error}
          submitLabel={t('dashboards.create')}
          disabled={busy || name.trim() === ''}
          onSubmit={() =>
            submit(
              () =>
                api<{ dashboard: Dashboard }>('/v1/dashboards', {
                  method: 'POST',
                  body: { org: org.id, name: name.trim() },
                }),
              (r) => {
                setTick((t) => t + 1);
                navigate(`/dashboards/${r.dashboard.id}?edit=1`);
              },
            )
          }
        >
          <TextField
            label={t('dashboards.name')}
            value={name}
            onChange={setName}
            autoFocus
            maxLength={200}
          />
        </FormDialog>
      )}
    </div>
  );
}

function newPanel(t: TFunction, panels: Panel[]): Panel {
  const y = panels.reduce((m, p) => Math.max(m, p.layout.y + p.layout.h), 0);
  let n = panels.length + 1;
  while (panels.some((p) => p.id === `panel-${n}`)) n++;
  return {
    id: `panel-${n}`,
    title: t('dashboards.newPanel'),
    type: 'timeseries',
    query: { q: '', measures: [{ op: 'count' }], group_by: ['level'], interval: 'auto', limit: 10 },
    layout: { x: 0, y, w: 6, h: 4 },
    options: { style: 'bars', stacked: true },
  };
}

function DashboardView({ id, builtin }: { id?: string; builtin?: string }) {
  const { me, org } = useSession();
  const route = useRoute();
  const toast = useToast();
  const t = useT();
  const url = builtin ? `/v1/dashboards/builtin/${builtin}` : `/v1/dashboards/${id}`;
  const loaded = useApi<{ dashboard: Dashboard }>(
    org ? url : null,
    builtin ? { org: org?.id } : {},
  );
  const [draft, setDraft] = useState<Dashboard | null>(null);
  const [range, setRange] = useState<TimeRange>({
    from: route.search.get('from') ?? 'now-24h',
    to: route.search.get('to') ?? 'now',
  });
  const [refreshMs, setRefreshMs] = useState(0);
  const [tick, setTick] = useState(0);
  const [values, setValues] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState(route.search.get('edit') === '1');
  const [editor, setEditor] = useState<Panel | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  useEffect(() => setDraft(loaded.data?.dashboard ?? null), [loaded.data]);
  useEffect(() => {
    if (refreshMs === 0) return;
    const timer = setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  const appNames = useMemo(() => new Map((me?.apps ?? []).map((a) => [a.id, a.name])), [me]);
  const orgApps = useMemo(
    () => (me?.apps ?? []).filter((a) => a.org_id === org?.id).map((a) => a.id),
    [me, org],
  );

  if (!org) return null;
  if (!draft)
    return (
      <div className="page">
        <LoadStatus data={loaded.data} error={loaded.error} />
      </div>
    );
  const ctx: PanelContext = {
    orgId: org.id,
    range,
    values,
    variables: draft.variables,
    appNames,
    tick,
  };
  const mine = draft.owner_user_id === me?.user.id;
  const canEdit =
    !draft.builtin &&
    org.role !== 'viewer' &&
    (mine || (draft.visibility === 'org' && ['admin', 'owner'].includes(org.role)));
  const canCreate = org.role !== 'viewer';

  const save = async () => {
    setSaveError(null);
    try {
      const { dashboard } = await api<{ dashboard: Dashboard }>(`/v1/dashboards/${draft.id}`, {
        method: 'PUT',
        body: {
          version: draft.version,
          name: draft.name,
          description: draft.description,
          visibility: draft.visibility,
          variables: draft.variables,
          panels: draft.panels.map(normalise),
        },
      });
      setDraft(dashboard);
      setEditing(false);
      toast(t('dashboards.saved'));
    } catch (e) {
      setSaveError(errorMessage(e));
    }
  };
  const duplicate = async () => {
    try {
      const { dashboard } = await api<{ dashboard: Dashboard }>('/v1/dashboards', {
        method: 'POST',
        body: {
          org: org.id,
          name: t('dashboards.copyName', { name: draft.name }).slice(0, 200),
          description: draft.description,
          visibility: 'private',
          variables: draft.variables,
          panels: draft.panels,
        },
      });
      navigate(`/dashboards/${dashboard.id}`);
      toast(t('dashboards.duplicated'));
    } catch (e) {
      toast(errorMessage(e));
    }
  };
  const setLayout = (panelId: string, layout: Layout) =>
    setDraft(
      (d) => d && { ...d, panels: d.panels.map((p) => (p.id === panelId ? { ...p, layout } : p)) },
    );

  return (
    <div className="page dash-page wide">
      <header className="dash-header">
        <div>
          <Link href="/dashboards" className="muted small">
            {t('dashboards.title')}
          </Link>
          {editing ? (
            <input
              className="input dash-title-input"
              aria-label={t('dashboards.nameLabel')}
              translate="no"
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          ) : (
            <h1 translate={draft.builtin ? undefined : 'no'}>
              {draft.builtin ? builtinTitle(draft.builtin, draft.name) : draft.name}
            </h1>
          )}
          {draft.description && !editing && (
            <p className="muted" translate={draft.builtin ? undefined : 'no'}>
              {draft.builtin
                ? builtinDescription(draft.builtin, draft.description)
                : draft.description}
            </p>
          )}
        </div>
        <div className="dash-toolbar">
          <TimeRangePicker value={range} onChange={setRange} />
          <label className="refresh">
            <span className="muted small">{t('dashboards.refresh')}</span>
            <select
              className="select"
              aria-label={t('dashboards.refreshInterval')}
              value={refreshMs}
              onChange={(e) => setRefreshMs(Number(e.target.value))}
            >
              {REFRESH_MS.map((ms) => (
                <option key={ms} value={ms}>
                  {refreshLabel(t, ms)}
                </option>
              ))}
            </select>
          </label>
          {canEdit && !editing && (
            <button className="button" onClick={() => setEditing(true)}>
              {t('dashboards.edit')}
            </button>
          )}
          {editing && (
            <>
              <button className="button" onClick={() => setEditor(newPanel(t, draft.panels))}>
                {t('dashboards.addPanel')}
              </button>
              <select
                className="select"
                aria-label={t('dashboards.sharing')}
                value={draft.visibility}
                onChange={(e) =>
                  setDraft({ ...draft, visibility: e.target.value as 'private' | 'org' })
                }
              >
                <option value="private">{t('dashboards.visibilityPrivate')}</option>
                <option value="org">{t('dashboards.visibilityOrg', { org: org.name })}</option>
              </select>
              <button
                className="button"
                onClick={() => {
                  setDraft(loaded.data?.dashboard ?? draft);
                  setEditing(false);
                }}
              >
                {t('common.cancel')}
              </button>
              <button className="button button-primary" onClick={() => void save()}>
                {t('common.save')}
              </button>
            </>
          )}
          {canCreate && !editing && (
            <button className="button" onClick={() => void duplicate()}>
              {t('dashboards.duplicate')}
            </button>
          )}
          {!draft.builtin && !editing && (
            <a className="button" href={`/v1/dashboards/${draft.id}?format=json`} download>
              {t('dashboards.export')}
            </a>
          )}
          {canEdit && !editing && (
            <button className="button button-danger" onClick={() => setConfirmDelete(true)}>
              {t('common.delete')}
            </button>
          )}
        </div>
      </header>
      {saveError && <p className="form-error">{saveError}</p>}
      {draft.variables.length > 0 && (
        <div className="dash-variables">
          {draft.variables.map((v) => (
            <label key={v.name}>
              <span className="muted small" translate="no">
                ${v.name}
              </span>
              <input
                className="input"
                translate="no"
                value={values[v.name] ?? v.default}
                onChange={(e) => setValues({ ...values, [v.name]: e.target.value })}
              />
            </label>
          ))}
        </div>
      )}
      {draft.panels.length === 0 ? (
        <EmptyState title={t('dashboards.noPanels')}>
          {editing
            ? t('dashboards.noPanelsEditing')
            : canEdit
              ? t('dashboards.noPanelsCanEdit')
              : t('dashboards.noPanelsViewer')}
        </EmptyState>
      ) : (
        <DashboardGrid
          panels={draft.panels}
          editing={editing}
          onLayout={setLayout}
          render={(panel, handle) => (
            <>
              <div
                className={editing ? 'panel-head draggable' : 'panel-head'}
                onPointerDown={editing ? handle : undefined}
              >
                {draft.builtin ? (
                  <h2>{builtinPanelTitle(panel)}</h2>
                ) : (
                  <h2 translate="no">{panel.title}</h2>
                )}
                {editing && (
                  <span className="panel-actions" onPointerDown={(e) => e.stopPropagation()}>
                    <button className="link-button" onClick={() => setEditor(panel)}>
                      {t('dashboards.edit')}
                    </button>
                    <button
                      className="link-button"
                      onClick={() =>
                        setDraft({
                          ...draft,
                          panels: draft.panels.filter((p) => p.id !== panel.id),
                        })
                      }
                    >
                      {t('dashboards.remove')}
                    </button>
                  </span>
                )}
              </div>
              <div className="panel-body">
                <PanelView panel={panel} ctx={ctx} />
              </div>
            </>
          )}
        />
      )}
      {editor && (
        <PanelEditor
          panel={editor}
          ctx={ctx}
          apps={orgApps}
          onClose={() => setEditor(null)}
          onSave={(panel) => {
            const fixed = normalise(panel);
            const exists = draft.panels.some((p) => p.id === fixed.id);
            setDraft({
              ...draft,
              panels: exists
                ? draft.panels.map((p) => (p.id === fixed.id ? fixed : p))
                : [...draft.panels, fixed],
            });
            setEditor(null);
          }}
        />
      )}
      {confirmDelete && (
        <ConfirmDialog
          title={t('dashboards.deleteTitle')}
          message={t('dashboards.deleteMessage', { name: draft.name })}
          confirmLabel={t('common.delete')}
          danger
          onClose={() => setConfirmDelete(false)}
          onConfirm={async () => {
            await api(`/v1/dashboards/${draft.id}`, { method: 'DELETE' });
            navigate('/dashboards');
          }}
        />
      )}
    </div>
  );
}
