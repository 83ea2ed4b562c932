import { Fragment, useEffect, useState } from 'react';
import { PageHeader, Spinner, Table } from '../../components/ui.tsx';
import { api, errorMessage } from '../../lib/api.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { formatRowTime } from '../../lib/time.ts';
import type { AuditEntry, MeOrg } from '../../lib/types.ts';

interface Page {
  entries: AuditEntry[];
  next_cursor: string | null;
}

const FILTERS = [
  { name: 'actor', placeholder: 'Actor (email or id)' },
  // A word before the dot matches every action of that kind (the API's prefix match).
  { name: 'action', placeholder: 'Action (e.g. ingest_key, app.create)' },
  { name: 'target', placeholder: 'Target id' },
] as const;
type Filters = Record<(typeof FILTERS)[number]['name'], string>;

export function AuditLog({ org }: { org: MeOrg | null }) {
  // One state object: its identity changes only on input, so the debounce settles.
  const [typed, setTyped] = useState<Filters>({ actor: '', action: '', target: '' });
  const filters = useDebounced(typed, 300);
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
      <PageHeader
        title="Audit log"
        description="Every change to orgs, apps, keys, members and tokens, newest first. Append-only."
      />
      <div className="filters">
        {FILTERS.map(({ name, placeholder }) => (
          <input
            key={name}
            className="input"
            placeholder={placeholder}
            value={typed[name]}
            onChange={(e) => {
              const value = e.target.value;
              setTyped((current) => ({ ...current, [name]: value }));
            }}
            aria-label={`Filter by ${name}`}
          />
        ))}
      </div>
      {error && <p className="form-error">{error}</p>}
      <Table
        className="audit-table"
        head={
          <>
            <th>When</th>
            <th>Actor</th>
            <th>Action</th>
            <th className="hide-sm">Target</th>
            <th className="hide-sm">IP</th>
          </>
        }
      >
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
                        <pre className="mono">{JSON.stringify(entry.after, null, 2) ?? 'null'}</pre>
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
      </Table>
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
