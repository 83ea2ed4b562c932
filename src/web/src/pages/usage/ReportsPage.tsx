// Monthly reports of the current org: the list (made at 00:05 UTC on the 1st, or on demand), one
// report's figures, and its PDF and CSV downloads.
import { EmptyState, LoadStatus, PageHeader, Table, useSubmit } from '../../components/ui.tsx';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { navigate, useRoute } from '../../lib/router.tsx';
import { canAdminister, useSession } from '../../lib/session.tsx';
import { bytes, count, money, type Report, type ReportListItem } from '../../lib/usage.ts';

export function ReportsPage() {
  const { org } = useSession();
  if (!org) return <EmptyState title="No organisation">You are not in an org yet.</EmptyState>;
  if (!canAdminister(org.role)) {
    return (
      <div className="page narrow">
        <h1>Reports</h1>
        <p className="muted">Monthly reports are shown to the org&apos;s owners and admins.</p>
      </div>
    );
  }
  return <OrgReports orgId={org.id} />;
}

function OrgReports({ orgId }: { orgId: string }) {
  const route = useRoute();
  const month = route.search.get('month');
  const list = useApi<{ reports: ReportListItem[] }>(`/v1/orgs/${orgId}/reports`);
  const { submit, busy, error } = useSubmit();
  const generate = () =>
    submit(
      () => api<{ report: Report }>(`/v1/orgs/${orgId}/reports`, { method: 'POST', body: {} }),
      (made) => {
        list.reload();
        navigate(`/reports?month=${made.report.month}`);
      },
    );
  return (
    <div className="page">
      <PageHeader
        title="Reports"
        description="A report per month: volumes, performance and cost per app and end user. Made at 00:05 UTC on the 1st and mailed to owners and admins."
        action={
          <button className="button button-primary" disabled={busy} onClick={generate}>
            Generate month to date
          </button>
        }
      />
      {error && <p className="form-error">{error}</p>}
      <LoadStatus data={list.data} error={list.error} />
      {list.data && list.data.reports.length === 0 && (
        <p className="muted">
          No report yet: the first one is made on the 1st, or generate this month so far.
        </p>
      )}
      {list.data && list.data.reports.length > 0 && (
        <Table
          head={
            <>
              <th>Month</th>
              <th>Status</th>
              <th>Made</th>
              <th />
            </>
          }
        >
          {list.data.reports.map((r) => (
            <tr key={r.id} className={r.month === month ? 'selected' : undefined}>
              <td>
                <a
                  href={`/reports?month=${r.month}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/reports?month=${r.month}`);
                  }}
                >
                  {r.month}
                </a>
              </td>
              <td>{r.partial ? 'month to date' : r.delivered_at ? 'final, delivered' : 'final'}</td>
              <td className="small muted">{new Date(r.generated_at).toLocaleString()}</td>
              <td className="button-row">
                <a className="button" href={`/v1/orgs/${orgId}/reports/${r.month}.pdf`}>
                  PDF
                </a>
                <a className="button" href={`/v1/orgs/${orgId}/reports/${r.month}.csv`}>
                  CSV
                </a>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {month && (
        <ReportView
          orgId={orgId}
          month={month}
          key={`${month}-${list.data?.reports.find((r) => r.month === month)?.generated_at}`}
        />
      )}
    </div>
  );
}

function ReportView({ orgId, month }: { orgId: string; month: string }) {
  const { data, error } = useApi<Report>(`/v1/orgs/${orgId}/reports/${month}`);
  if (!data) return <LoadStatus data={data} error={error} />;
  const m = (minor: number) => money(minor, data.minor_digits, data.currency);
  const peak = Math.max(1, ...data.daily.map((d) => d.records));
  return (
    <section className="report" data-testid="report-view">
      <h2>
        {data.month} {data.partial && <span className="role-pill">month to date</span>}
      </h2>
      <section className="stat-row">
        <Figure label="Records" testId="report-records" value={count(data.totals.records)} />
        <Figure label="Bytes" testId="report-bytes" value={bytes(data.totals.bytes)} />
        <Figure
          label="Active end users"
          testId="report-end-users"
          value={count(data.active_end_users)}
        />
        <Figure label="Cost" testId="report-cost" value={m(data.cost.total_minor)} />
        <Figure
          label="Error rate"
          testId="report-error-rate"
          value={data.error_rate === null ? 'n/a' : `${(data.error_rate * 100).toFixed(2)} %`}
        />
        <Figure
          label="Signed-in users"
          testId="report-signed-in"
          value={count(data.signed_in_users)}
        />
      </section>
      <div className="daily-chart" role="img" aria-label="Records per day">
        {data.daily.map((d) => (
          <div
            key={d.day}
            className="daily-bar"
            title={`${d.day}: ${count(d.records)} records, ${count(d.error_records)} errors`}
            style={{ height: `${(d.records / peak) * 100}%` }}
          />
        ))}
      </div>
      <h3>Apps</h3>
      <Table
        head={
          <>
            <th>App</th>
            <th className="num">Records</th>
            <th className="num">Bytes</th>
            <th className="num">Cost</th>
          </>
        }
      >
        {data.apps.map((a) => (
          <tr key={a.app_id} data-testid="report-app">
            <td>{a.name}</td>
            <td className="num">{count(a.records)}</td>
            <td className="num">{bytes(a.bytes)}</td>
            <td className="num">{m(a.cost_minor)}</td>
          </tr>
        ))}
      </Table>
      <h3>End users (top {data.end_users.length})</h3>
      <Table
        head={
          <>
            <th>End user</th>
            <th className="num">Records</th>
            <th className="num">Bytes</th>
            <th className="num">Cost</th>
          </>
        }
      >
        {data.end_users.map((e) => (
          <tr key={e.user_id} data-testid="report-end-user">
            <td>{e.user_id === '' ? '(unattributed)' : e.user_id}</td>
            <td className="num">{count(e.records)}</td>
            <td className="num">{bytes(e.bytes)}</td>
            <td className="num">{m(e.cost_minor)}</td>
          </tr>
        ))}
        {data.end_users_rest.users > 0 && (
          <tr>
            <td>{count(data.end_users_rest.users)} more</td>
            <td className="num">{count(data.end_users_rest.records)}</td>
            <td className="num">{bytes(data.end_users_rest.bytes)}</td>
            <td className="num">{m(data.end_users_rest.cost_minor)}</td>
          </tr>
        )}
      </Table>
      <h3>Cost</h3>
      <Table
        head={
          <>
            <th>Item</th>
            <th className="num">Quantity</th>
            <th className="num">Amount</th>
          </>
        }
      >
        {data.cost.lines.map((l) => (
          <tr key={l.item}>
            <td>{l.item.replace('_', ' ')}</td>
            <td className="num">
              {l.quantity.toFixed(l.unit === 'month' ? 0 : 4)} {l.unit}
            </td>
            <td className="num">{m(l.amount_minor)}</td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="stat">
      <span className="muted small">{label}</span>
      <strong data-testid={testId}>{value}</strong>
    </div>
  );
}
