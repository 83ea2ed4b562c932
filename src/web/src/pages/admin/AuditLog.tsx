import { Fragment, useEffect, useState } from 'react';
import '../../audit.css';
import { PageHeader, Spinner, Table } from '../../components/ui.tsx';
import { api, errorMessage } from '../../lib/api.ts';
import { useDebounced } from '../../lib/hooks.ts';
import { formatRowTime } from '../../lib/time.ts';
import type { AuditEntry, AuditVerdict, MeOrg } from '../../lib/types.ts';

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
type Filters = Record<(typeof FILTERS)[number]['name'] | 'kind', string>;

const KINDS = [
  { value: '', label: 'Changes and reads' },
  { value: 'change', label: 'Changes only' },
  { value: 'read', label: 'Reads only (searches, exports, tails, reports)' },
];

/** What a read entry read, in one line: its apps, query and rows. */
function readSummary(entry: AuditEntry): string | null {
  if (!entry.action.startsWith('read.')) return null;
  const after = (entry.after ?? {}) as { apps?: string[]; q?: string; rows?: number | null };
  const parts = [after.apps?.join(', ') || entry.target_id || ''];
  if (after.q) parts.push(`q: ${after.q}`);
  if (typeof after.rows === 'number') parts.push(`${after.rows} rows`);
  return parts.filter(Boolean).join(' · ');
}

/** The chain check for the orgs shown: intact with its count, or the first broken entry. */
function ChainStatus({ org }: { org: MeOrg | null }) {
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const check = (): void => {
    setChecking(true);
    api<AuditVerdict>('/v1/audit/verify', { query: { org: org?.id } }).then(
      (v) => {
        setVerdict(v);
        setError(null);
        setChecking(false);
      },
      (e: unknown) => {
        setError(errorMessage(e));
        setChecking(false);
      },
    );
  };
  useEffect(check, [org?.id]);
  let text = 'Checking the chain…';
  let tone = '';
  if (error) [text, tone] = [`Chain check failed: ${error}`, 'chain-broken'];
  else if (verdict?.ok) {
    [text, tone] = [`Chain intact: ${verdict.entries} entries verified`, 'chain-ok'];
  } else if (verdict?.first_broken) {
    const b = verdict.first_broken;
    text = `Chain broken at entry ${b.id ?? `#${b.chain_seq} (missing)`}: ${b.reason.replace('_', ' ')}. Entries before it (${verdict.entries}) verified.`;
    tone = 'chain-broken';
  }
  return (
    <div className={`chain-status ${tone}`} role="status" data-testid="chain-status">
      <span>{text}</span>
      <button className="button button-small" onClick={check} disabled={checking}>
        Check again
      </button>
    </div>
  );
}

export function AuditLog({ org }: { org: MeOrg | null }) {
  // One state object: its identity changes only on input, so the debounce settles.
  const [typed, setTyped] = useState<Filters>({ actor: '', action: '', target: '', kind: '' });
  const filters = useDebounced(typed, 300);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);

  const load = (more: boolean): void => {
    setLoading(true);
    api<Page>('/v1/audit', {
      query: {
        org: org?.id,
        ...filters,
        kind: filters.kind || undefined,
        limit: 100,
        cursor: more ? cursor : undefined,
      },
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
        description="Every change to orgs, apps, keys, members and tokens, and every search, export, live tail and report download, newest first. Kept for all time; each entry is chained to the one before it, so an edit in the database shows."
        action={
          <a
            className="button"
            href={`/v1/audit/export${org ? `?org=${encodeURIComponent(org.id)}` : ''}`}
            download
          >
            Export NDJSON
          </a>
        }
      />
      <ChainStatus org={org} />
      <div className="filters audit-filters">
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
        <select
          className="input"
          value={typed.kind}
          onChange={(e) => {
            const kind = e.target.value;
            setTyped((current) => ({ ...current, kind }));
          }}
          aria-label="Filter by kind"
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
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
          const summary = readSummary(entry);
          return (
            <Fragment key={entry.id}>
              <tr
                className="clickable"
                onClick={() => setOpen(open === entry.id ? null : entry.id)}
              >
                <td className="mono audit-when">
                  <span className="audit-date">{t.date} </span>
                  {t.time.slice(0, 8)}
                </td>
                <td className="audit-actor">{entry.actor_label}</td>
                <td>
                  <span className="pill pill-action mono">{entry.action}</span>
                </td>
                <td className="hide-sm mono small">
                  {summary ??
                    `${entry.target_type}${entry.target_id ? ` ${entry.target_id.slice(0, 8)}` : ''}`}
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
