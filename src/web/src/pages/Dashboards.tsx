// Dashboards: the list (built-ins first), and one dashboard with its time range, variables,
// refresh interval, edit mode (drag, resize, panel editor), duplicate, share, export and delete.
import { useEffect, useMemo, useState } from 'react';
import '../dashboards.css';
import { DashboardGrid } from '../components/dashboards/DashboardGrid.tsx';
import { normalise, PanelEditor } from '../components/dashboards/PanelEditor.tsx';
import { PanelView, type PanelContext } from '../components/dashboards/PanelView.tsx';
import { TimeRangePicker } from '../components/TimeRangePicker.tsx';
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

const REFRESH = [
  { label: 'Off', ms: 0 },
  { label: '10 s', ms: 10_000 },
  { label: '1 min', ms: 60_000 },
  { label: '5 min', ms: 300_000 },
];

export function DashboardsPage({ path }: { path: string }) {
  const builtin = /^\/dashboards\/builtin\/(overview|ingest_health)$/.exec(path);
  if (builtin) return <DashboardView builtin={builtin[1] as string} />;
  const one = /^\/dashboards\/([0-9a-f-]{36})$/.exec(path);
  if (one) return <DashboardView id={one[1] as string} />;
  return <DashboardList />;
}

function DashboardList() {
  const { org } = useSession();
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
        <p className="muted">You are not in an organisation yet.</p>
      </div>
    );
  const canEdit = org.role !== 'viewer';
  return (
    <div className="page dash-page">
      <PageHeader
        title="Dashboards"
        description={`Charts over ${org.name}'s logs. Built-ins are always there; duplicate one to change it.`}
        action={
          canEdit && (
            <button className="button button-primary" onClick={() => setCreating(true)}>
              New dashboard
            </button>
          )
        }
      />
      <LoadStatus data={state.data} error={state.error} />
      {state.data && (
        <ul className="dash-list">
          {state.data.builtin.map((b) => (
            <li key={b.name}>
              <Link href={`/dashboards/builtin/${b.name}`}>{b.title}</Link>
              <span className="role-pill">built-in</span>
            </li>
          ))}
          {state.data.dashboards.map((d) => (
            <li key={d.id}>
              <Link href={`/dashboards/${d.id}`}>{d.name}</Link>
              <span className="muted small">{d.description}</span>
              <span className="role-pill">{d.visibility === 'org' ? 'shared' : 'private'}</span>
            </li>
          ))}
        </ul>
      )}
      {state.data && state.data.dashboards.length === 0 && (
        <EmptyState title="No dashboards of your own yet">
          {canEdit
            ? 'Create one, or open a built-in and duplicate it.'
            : 'Members and admins can create dashboards.'}
        </EmptyState>
      )}
      {creating && (
        <FormDialog
          title="New dashboard"
          onClose={() => setCreating(false)}
          error={error}
          submitLabel="Create"
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
          <TextField label="Name" value={name} onChange={setName} autoFocus maxLength={200} />
        </FormDialog>
      )}
    </div>
  );
}

function newPanel(panels: Panel[]): Panel {
  const y = panels.reduce((m, p) => Math.max(m, p.layout.y + p.layout.h), 0);
  let n = panels.length + 1;
  while (panels.some((p) => p.id === `panel-${n}`)) n++;
  return {
    id: `panel-${n}`,
    title: 'New panel',
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
      toast('Dashboard saved');
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
          name: `${draft.name} (copy)`.slice(0, 200),
          description: draft.description,
          visibility: 'private',
          variables: draft.variables,
          panels: draft.panels,
        },
      });
      navigate(`/dashboards/${dashboard.id}`);
      toast('Duplicated: this copy is yours to change');
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
            Dashboards
          </Link>
          {editing ? (
            <input
              className="input dash-title-input"
              aria-label="Dashboard name"
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
          ) : (
            <h1>{draft.name}</h1>
          )}
          {draft.description && !editing && <p className="muted">{draft.description}</p>}
        </div>
        <div className="dash-toolbar">
          <TimeRangePicker value={range} onChange={setRange} />
          <label className="refresh">
            <span className="muted small">Refresh</span>
            <select
              className="select"
              aria-label="Refresh interval"
              value={refreshMs}
              onChange={(e) => setRefreshMs(Number(e.target.value))}
            >
              {REFRESH.map((r) => (
                <option key={r.ms} value={r.ms}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          {canEdit && !editing && (
            <button className="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {editing && (
            <>
              <button className="button" onClick={() => setEditor(newPanel(draft.panels))}>
                Add panel
              </button>
              <select
                className="select"
                aria-label="Sharing"
                value={draft.visibility}
                onChange={(e) =>
                  setDraft({ ...draft, visibility: e.target.value as 'private' | 'org' })
                }
              >
                <option value="private">Private</option>
                <option value="org">Shared with {org.name}</option>
              </select>
              <button
                className="button"
                onClick={() => {
                  setDraft(loaded.data?.dashboard ?? draft);
                  setEditing(false);
                }}
              >
                Cancel
              </button>
              <button className="button button-primary" onClick={() => void save()}>
                Save
              </button>
            </>
          )}
          {canCreate && !editing && (
            <button className="button" onClick={() => void duplicate()}>
              Duplicate
            </button>
          )}
          {!draft.builtin && !editing && (
            <a className="button" href={`/v1/dashboards/${draft.id}?format=json`} download>
              Export
            </a>
          )}
          {canEdit && !editing && (
            <button className="button button-danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          )}
        </div>
      </header>
      {saveError && <p className="form-error">{saveError}</p>}
      {draft.variables.length > 0 && (
        <div className="dash-variables">
          {draft.variables.map((v) => (
            <label key={v.name}>
              <span className="muted small">${v.name}</span>
              <input
                className="input"
                value={values[v.name] ?? v.default}
                onChange={(e) => setValues({ ...values, [v.name]: e.target.value })}
              />
            </label>
          ))}
        </div>
      )}
      {draft.panels.length === 0 ? (
        <EmptyState title="No panels yet">
          {editing
            ? 'Add a panel: a chart, a top list, a table, a number, a pie, logs or text.'
            : canEdit
              ? 'Edit the dashboard to add panels.'
              : 'Nothing to show.'}
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
                <h2>{panel.title}</h2>
                {editing && (
                  <span className="panel-actions" onPointerDown={(e) => e.stopPropagation()}>
                    <button className="link-button" onClick={() => setEditor(panel)}>
                      Edit
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
                      Remove
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
          title="Delete this dashboard?"
          message={`“${draft.name}” and its panels go for everyone it is shared with.`}
          confirmLabel="Delete"
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
