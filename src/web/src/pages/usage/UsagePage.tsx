// This month so far for the current org: spend to date and projected, quota meters per app, and
// usage by app, end user or day (paged through the usage API's cursor).
import { useEffect, useState } from 'react';
import { QuotaMeter } from '../../components/QuotaMeter.tsx';
import { EmptyState, LoadStatus, PageHeader, Table, Tabs } from '../../components/ui.tsx';
import { api, errorMessage } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { Link } from '../../lib/router.tsx';
import { canAdminister, useSession } from '../../lib/session.tsx';
import type { App } from '../../lib/types.ts';
import {
  bytes,
  count,
  money,
  type AppQuota,
  type Spend,
  type UsagePage as UsagePageJson,
  type UsageRow,
} from '../../lib/usage.ts';

const GROUPS = ['app', 'user_id', 'day'] as const;
type Group = (typeof GROUPS)[number];
const GROUP_LABEL: Record<Group, string> = { app: 'By app', user_id: 'By end user', day: 'By day' };
const PAGE_ROWS = 50;

export function UsagePage() {
  const { org } = useSession();
  if (!org) return <EmptyState title="No organisation">You are not in an org yet.</EmptyState>;
  if (!canAdminister(org.role)) {
    return (
      <div className="page narrow">
        <h1>Usage</h1>
        <p className="muted">Usage and spend are shown to the org&apos;s owners and admins.</p>
      </div>
    );
  }
  return <OrgUsage orgId={org.id} orgName={org.name} />;
}

function OrgUsage({ orgId, orgName }: { orgId: string; orgName: string }) {
  const spend = useApi<{ spend: Spend }>(`/v1/orgs/${orgId}/spend`);
  const quotas = useApi<{ day: string; apps: AppQuota[] }>(`/v1/orgs/${orgId}/usage/quotas`);
  const [group, setGroup] = useState<Group>('app');
  const s = spend.data?.spend;
  return (
    <div className="page">
      <PageHeader
        title="Usage"
        description={`${orgName}: this month so far (UTC days), by app and end user.`}
        action={
          <Link className="button" href="/reports">
            Monthly reports
          </Link>
        }
      />
      <section className="stat-row">
        <Stat label="Spend to date" testId="spend-to-date">
          {s ? money(s.to_date_minor, s.minor_digits, s.currency) : '…'}
        </Stat>
        <Stat label="Projected month end" testId="spend-projected">
          {s ? money(s.projected_minor, s.minor_digits, s.currency) : '…'}
        </Stat>
        <Stat label="Month" testId="spend-month">
          {s ? `${s.month} · ${Math.round(s.elapsed_ratio * 100)} % elapsed` : '…'}
        </Stat>
      </section>
      <LoadStatus data={spend.data} error={spend.error} />

      <h2>Today&apos;s quotas</h2>
      <LoadStatus data={quotas.data} error={quotas.error} />
      {quotas.data && quotas.data.apps.length === 0 && <p className="muted">No apps yet.</p>}
      {quotas.data && quotas.data.apps.length > 0 && (
        <Table
          head={
            <>
              <th>App</th>
              <th>Today ({quotas.data.day})</th>
            </>
          }
        >
          {quotas.data.apps.map((q) => (
            <tr key={q.app_id}>
              <td>{q.name}</td>
              <td>
                <QuotaMeter quota={q} />
              </td>
            </tr>
          ))}
        </Table>
      )}

      <h2>This month</h2>
      <Tabs tabs={GROUPS} current={group} onChange={setGroup} label={(g) => GROUP_LABEL[g]} />
      <UsageTable orgId={orgId} group={group} key={group} />
    </div>
  );
}

function Stat({ label, testId, children }: { label: string; testId: string; children: string }) {
  return (
    <div className="stat">
      <span className="muted small">{label}</span>
      <strong data-testid={testId}>{children}</strong>
    </div>
  );
}

function UsageTable({ orgId, group }: { orgId: string; group: Group }) {
  const [rows, setRows] = useState<UsageRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const apps = useApi<{ apps: App[] }>(group === 'app' ? `/v1/orgs/${orgId}/apps` : null);
  const names = new Map((apps.data?.apps ?? []).map((a) => [a.id, a.name]));

  const load = (after: string | null) => {
    setLoading(true);
    api<UsageRowsPage>(`/v1/orgs/${orgId}/usage`, {
      query: { group_by: group, limit: PAGE_ROWS, cursor: after ?? undefined },
    }).then(
      (page) => {
        setRows((previous) => (after ? [...previous, ...page.rows] : page.rows));
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (e: unknown) => {
        setError(errorMessage(e));
        setLoading(false);
      },
    );
  };
  useEffect(() => load(null), [orgId, group]);

  if (error) return <p className="form-error">{error}</p>;
  if (!loading && rows.length === 0) {
    return <p className="muted">Nothing counted this month yet: send logs and they show here.</p>;
  }
  const label = (r: UsageRow) =>
    group === 'app'
      ? (names.get(r.app_id ?? '') ??
        (r.app_id === '00000000-0000-0000-0000-000000000000' ? '(several apps)' : r.app_id))
      : group === 'user_id'
        ? r.user_id === ''
          ? '(unattributed)'
          : r.user_id
        : r.day;
  return (
    <>
      <Table
        className="usage-table"
        head={
          <>
            <th>{GROUP_LABEL[group].replace('By ', '')}</th>
            <th className="num">Records</th>
            <th className="num">Bytes</th>
            <th className="num">Errors</th>
            <th className="num">Stored</th>
            <th className="num">Queries</th>
          </>
        }
      >
        {rows.map((r) => (
          <tr key={r.app_id ?? r.user_id ?? r.day} data-testid="usage-row">
            <td>{label(r)}</td>
            <td className="num">{count(r.records)}</td>
            <td className="num">{bytes(r.bytes)}</td>
            <td className="num">{count(r.error_records)}</td>
            <td className="num">{bytes(r.stored_bytes)}</td>
            <td className="num">{count(r.queries)}</td>
          </tr>
        ))}
      </Table>
      {cursor && (
        <button className="button" disabled={loading} onClick={() => load(cursor)}>
          Load more
        </button>
      )}
    </>
  );
}

type UsageRowsPage = UsagePageJson;
