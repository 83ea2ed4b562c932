import { Fragment, useEffect, useState } from 'react';
import { Spinner } from '../../components/ui.tsx';
import { api, errorMessage } from '../../lib/api.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { formatRowTime } from '../../lib/time.ts';
import type { AuditEntry, MeOrg } from '../../lib/types.ts';

interface Page {
  entries: AuditEntry[];
  next_cursor: string | null;
}

export function AuditLog({ org }: { org: MeOrg | null }) {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');
  const filters = useDebounced({ actor, action, target }, 300);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);

  const load = (more: boolean): void => {
    setLoading(true);
    api<Page>('/v1/audit', {
      query: { org: org?.id, ...filters, limit: 100, cursor: more ? cursor : undefined },
    }).then(
      (page) => {
        setEntries((list) => (more ? [...list, ...page.entries] : page.entries));
        setCursor(page.next_cursor);
        setLoading(false);
        setError(null);
      },
      (e: unknown) => {
        setLoading(false);
        setError(errorMessage(e));
      },
    );
  };
  // Filters and org define the first page; re-query from the top when they change.
  useEffect(() => load(false), [JSON.stringify(filters), org?.id]);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="muted">
            Every change to orgs, apps, keys, members and tokens, newest first. Append-only.
          </p>
        </div>
      </header>
      <div className="filters">
        <input
          className="input"
          placeholder="Actor (email or id)"
          value={actor}
          onChange={(e) => setActor(e.target.value)}
          aria-label="Filter by actor"
        />
        <input
          className="input"
          placeholder="Action (e.g. key, app.create)"
          value={action}
          onChange={(e) => setAction(e.target.value)}
          aria-label="Filter by action"
        />
        <input
          className="input"
          placeholder="Target id"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          aria-label="Filter by target"
        />
      </div>
      {error && <p className="form-error">{error}</p>}
      <div className="table-wrap">
        <table className="table audit-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Actor</th>
              <th>Action</th>
              <th className="hide-sm">Target</th>
              <th className="hide-sm">IP</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const t = formatRowTime(entry.at);
              return (
                <Fragment key={entry.id}>
                  <tr
                    className="clickable"
                    onClick={() => setOpen(open === entry.id ? null : entry.id)}
                  >
                    <td className="mono nowrap">
                      {t.date} {t.time.slice(0, 8)}
                    </td>
                    <td>{entry.actor_label}</td>
                    <td>
                      <span className="pill pill-action mono">{entry.action}</span>
                    </td>
                    <td className="hide-sm mono small">
                      {entry.target_type}
                      {entry.target_id ? ` ${entry.target_id.slice(0, 8)}` : ''}
                    </td>
                    <td className="hide-sm mono small muted">{entry.ip ?? ''}</td>
                  </tr>
                  {open === entry.id && (
                    <tr className="audit-detail">
                      <td colSpan={5}>
                        <div className="audit-diff">
                          <div>
                            <h4>Before</h4>
                            <pre className="mono">
                              {JSON.stringify(entry.before, null, 2) ?? 'null'}
                            </pre>
                          </div>
                          <div>
                            <h4>After</h4>
                            <pre className="mono">
                              {JSON.stringify(entry.after, null, 2) ?? 'null'}
                            </pre>
                          </div>
                        </div>
                        <p className="muted small mono">
                          request {entry.request_id ?? '—'} · {entry.user_agent ?? ''}
                        </p>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
            {!loading && entries.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No entries match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        {loading && <Spinner />}
        {cursor && !loading && (
          <button className="button" onClick={() => load(true)}>
            Load older entries
          </button>
        )}
      </div>
    </div>
  );
}
