import { Fragment, useEffect, useState } from 'react';
import '../../audit.css';
import { PageHeader, Spinner, Table } from '../../components/ui.tsx';
import { useT, type TFunction } from '../../i18n/I18nProvider.tsx';
import { Msg } from '../../i18n/Msg.tsx';
import { hasMessage } from '../../i18n/display.ts';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { useDebounced, usePagedApi } from '../../lib/hooks.ts';
import { formatRowTime } from '../../lib/time.ts';
import type { AuditEntry, AuditVerdict, MeOrg } from '../../lib/types.ts';

interface Page {
  entries: AuditEntry[];
  next_cursor: string | null;
}

const FILTERS = ['actor', 'action', 'target'] as const;
type Filters = Record<(typeof FILTERS)[number] | 'kind', string>;

const KINDS: { value: string; label: MessageKey }[] = [
  { value: '', label: 'audit.kind.all' },
  { value: 'change', label: 'audit.kind.change' },
  { value: 'read', label: 'audit.kind.read' },
];

function placeholder(t: TFunction, name: (typeof FILTERS)[number]): string {
  // A word before the dot matches every action of that kind (the API's prefix match).
  if (name === 'action') return t('audit.filter.action', { examples: 'ingest_key, app.create' });
  return t(name === 'actor' ? 'audit.filter.actor' : 'audit.filter.target');
}

/** An id of the API's vocabulary (audit action, target type) by its catalogue name, else as is. */
function named(t: TFunction, prefix: 'audit.action' | 'audit.target', id: string): string | null {
  const key = `${prefix}.${id}`;
  return hasMessage(key) ? t(key) : null;
}

/** What a read entry read, in one line: its apps and query (user data), and its rows. */
function ReadSummary({ entry, t }: { entry: AuditEntry; t: TFunction }) {
  const after = (entry.after ?? {}) as { apps?: string[]; q?: string; rows?: number | null };
  const parts = [after.apps?.join(', ') || entry.target_id || ''];
  if (after.q) parts.push(`q: ${after.q}`);
  const read = parts.filter(Boolean).join(' · ');
  const rows = typeof after.rows === 'number' ? t('audit.rows', { rows: after.rows }) : '';
  return (
    <>
      <span translate="no">{read}</span>
      {read && rows ? ' · ' : ''}
      {rows}
    </>
  );
}

/** A change's target: its type by name, and the start of its id. */
function Target({ entry, t }: { entry: AuditEntry; t: TFunction }) {
  const type = named(t, 'audit.target', entry.target_type);
  return (
    <>
      {type ?? <span translate="no">{entry.target_type}</span>}
      {entry.target_id ? <span translate="no"> {entry.target_id.slice(0, 8)}</span> : null}
    </>
  );
}

/** The chain check for the orgs shown: intact with its count, or the first broken entry. */
function ChainStatus({ org }: { org: MeOrg | null }) {
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const t = useT();
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
  let text = t('audit.chain.checking');
  let tone = '';
  if (error) [text, tone] = [t('audit.chain.failed', { error }), 'chain-broken'];
  else if (verdict?.ok) {
    [text, tone] = [t('audit.chain.intact', { count: verdict.entries }), 'chain-ok'];
  } else if (verdict?.first_broken) {
    const b = verdict.first_broken;
    const reasonKey = `audit.chain.reason.${b.reason}`;
    text = t('audit.chain.broken', {
      entry: b.id ?? t('audit.chain.missingEntry', { seq: b.chain_seq }),
      reason: hasMessage(reasonKey) ? t(reasonKey) : b.reason.replace('_', ' '),
      count: verdict.entries,
    });
    tone = 'chain-broken';
  }
  return (
    <div className={`chain-status ${tone}`} role="status" data-testid="chain-status">
      <span>{text}</span>
      <button className="button button-small" onClick={check} disabled={checking}>
        {t('audit.chain.checkAgain')}
      </button>
    </div>
  );
}

export function AuditLog({ org }: { org: MeOrg | null }) {
  // One state object: its identity changes only on input, so the debounce settles.
  const [typed, setTyped] = useState<Filters>({ actor: '', action: '', target: '', kind: '' });
  const filters = useDebounced(typed, 300);
  const {
    rows: entries,
    error,
    loading,
    more,
  } = usePagedApi<Page, AuditEntry>(
    '/v1/audit',
    { org: org?.id, ...filters, kind: filters.kind || undefined, limit: 100 },
    (page) => page.entries,
  );
  const [open, setOpen] = useState<number | null>(null);
  const t = useT();

  return (
    <div className="page">
      <PageHeader
        title={t('admin.nav.audit')}
        description={t('audit.description')}
        action={
          <a
            className="button"
            href={`/v1/audit/export${org ? `?org=${encodeURIComponent(org.id)}` : ''}`}
            download
          >
            {t('audit.export')}
          </a>
        }
      />
      <ChainStatus org={org} />
      <div className="filters audit-filters">
        {FILTERS.map((name) => (
          <input
            key={name}
            className="input"
            placeholder={placeholder(t, name)}
            value={typed[name]}
            onChange={(e) => {
              const value = e.target.value;
              setTyped((current) => ({ ...current, [name]: value }));
            }}
            aria-label={t(`audit.filterBy.${name}`)}
          />
        ))}
        <select
          className="input"
          value={typed.kind}
          onChange={(e) => {
            const kind = e.target.value;
            setTyped((current) => ({ ...current, kind }));
          }}
          aria-label={t('audit.filterBy.kind')}
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {t(k.label)}
            </option>
          ))}
        </select>
      </div>
      {error !== undefined && <p className="form-error">{errorMessage(error)}</p>}
      <Table
        className="audit-table"
        head={
          <>
            <th>{t('governance.col.when')}</th>
            <th>{t('audit.col.actor')}</th>
            <th>{t('governance.col.action')}</th>
            <th className="hide-sm">{t('audit.col.target')}</th>
            <th className="hide-sm">{t('audit.col.ip')}</th>
          </>
        }
      >
        {entries.map((entry) => {
          const at = formatRowTime(entry.at);
          const action = named(t, 'audit.action', entry.action);
          return (
            <Fragment key={entry.id}>
              <tr
                className="clickable"
                onClick={() => setOpen(open === entry.id ? null : entry.id)}
              >
                <td className="mono audit-when">
                  {/* The row opens by click; this is its keyboard (and screen reader) handle. */}
                  <button
                    type="button"
                    className="row-toggle"
                    aria-expanded={open === entry.id}
                    onClick={(event) => {
                      event.stopPropagation();
                      setOpen(open === entry.id ? null : entry.id);
                    }}
                  >
                    <span className="audit-date">{at.date} </span>
                    {at.time.slice(0, 8)}
                  </button>
                </td>
                <td className="audit-actor" translate="no">
                  {entry.actor_label}
                </td>
                <td>
                  {/* The id is what the action filter takes; the name says it in words. */}
                  <span className="pill pill-action mono" translate="no">
                    {entry.action}
                  </span>
                  {action && <div className="small muted audit-action-name">{action}</div>}
                </td>
                <td className="hide-sm mono small">
                  {entry.action.startsWith('read.') ? (
                    <ReadSummary entry={entry} t={t} />
                  ) : (
                    <Target entry={entry} t={t} />
                  )}
                </td>
                <td className="hide-sm mono small muted" translate="no">
                  {entry.ip ?? ''}
                </td>
              </tr>
              {open === entry.id && (
                <tr className="audit-detail">
                  <td colSpan={5}>
                    <div className="audit-diff">
                      <div>
                        <h4>{t('governance.before')}</h4>
                        <pre className="mono">
                          {JSON.stringify(entry.before, null, 2) ?? 'null'}
                        </pre>
                      </div>
                      <div>
                        <h4>{t('governance.after')}</h4>
                        <pre className="mono">{JSON.stringify(entry.after, null, 2) ?? 'null'}</pre>
                      </div>
                    </div>
                    <p className="muted small mono">
                      <Msg
                        id="audit.request"
                        values={{
                          id: <span translate="no">{entry.request_id ?? '—'}</span>,
                          agent: <span translate="no">{entry.user_agent ?? ''}</span>,
                        }}
                      />
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
              {t('audit.noEntries')}
            </td>
          </tr>
        )}
      </Table>
      <div className="button-row">
        {loading && <Spinner />}
        {more && (
          <button className="button" onClick={more}>
            {t('audit.loadOlder')}
          </button>
        )}
      </div>
    </div>
  );
}
