// Monthly reports of the current org: the list (made at 00:05 UTC on the 1st, or on demand), one
// report's figures, and its PDF and CSV downloads.
import { EmptyState, LoadStatus, PageHeader, Table, useSubmit } from '../../components/ui.tsx';
import { useT, type TFunction } from '../../i18n/I18nProvider.tsx';
import { currentDisplay, hasMessage } from '../../i18n/display.ts';
import { api } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { navigate, useRoute } from '../../lib/router.tsx';
import { canAdminister, useSession } from '../../lib/session.tsx';
import { bytes, count, money, type Report, type ReportListItem } from '../../lib/usage.ts';

export function ReportsPage() {
  const { org } = useSession();
  const t = useT();
  if (!org) return <EmptyState title={t('usage.noOrg')}>{t('usage.noOrgBody')}</EmptyState>;
  if (!canAdminister(org.role)) {
    return (
      <div className="page narrow">
        <h1>{t('reports.title')}</h1>
        <p className="muted">{t('reports.adminsOnly')}</p>
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
  const t = useT();
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
        title={t('reports.title')}
        description={t('reports.description')}
        action={
          <button className="button button-primary" disabled={busy} onClick={generate}>
            {t('reports.generate')}
          </button>
        }
      />
      {error && <p className="form-error">{error}</p>}
      <LoadStatus data={list.data} error={list.error} />
      {list.data && list.data.reports.length === 0 && <p className="muted">{t('reports.none')}</p>}
      {list.data && list.data.reports.length > 0 && (
        <Table
          head={
            <>
              <th>{t('reports.col.month')}</th>
              <th>{t('reports.col.status')}</th>
              <th>{t('reports.col.made')}</th>
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
              <td>
                {r.partial
                  ? t('reports.monthToDate')
                  : r.delivered_at
                    ? t('reports.finalDelivered')
                    : t('reports.final')}
              </td>
              <td className="small muted">
                {new Date(r.generated_at).toLocaleString(currentDisplay().intl.locale, {
                  timeZone: currentDisplay().timeZone,
                })}
              </td>
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
  const t = useT();
  if (!data) return <LoadStatus data={data} error={error} />;
  const m = (minor: number) => money(minor, data.minor_digits, data.currency);
  const peak = Math.max(1, ...data.daily.map((d) => d.records));
  return (
    <section className="report" data-testid="report-view">
      <h2>
        {data.month} {data.partial && <span className="role-pill">{t('reports.monthToDate')}</span>}
      </h2>
      <section className="stat-row">
        <Figure
          label={t('reports.records')}
          testId="report-records"
          value={count(data.totals.records)}
        />
        <Figure label={t('reports.bytes')} testId="report-bytes" value={bytes(data.totals.bytes)} />
        <Figure
          label={t('reports.activeEndUsers')}
          testId="report-end-users"
          value={count(data.active_end_users)}
        />
        <Figure label={t('reports.cost')} testId="report-cost" value={m(data.cost.total_minor)} />
        <Figure
          label={t('reports.errorRate')}
          testId="report-error-rate"
          value={
            data.error_rate === null
              ? t('reports.notApplicable')
              : t('reports.percent', { percent: fixed(data.error_rate * 100, 2) })
          }
        />
        <Figure
          label={t('reports.signedIn')}
          testId="report-signed-in"
          value={count(data.signed_in_users)}
        />
      </section>
      <div className="daily-chart" role="img" aria-label={t('reports.perDay')}>
        {data.daily.map((d) => (
          <div
            key={d.day}
            className="daily-bar"
            title={t('reports.dayTitle', {
              day: d.day,
              records: count(d.records),
              errors: count(d.error_records),
            })}
            style={{ height: `${(d.records / peak) * 100}%` }}
          />
        ))}
      </div>
      <h3>{t('reports.apps')}</h3>
      <Table
        head={
          <>
            <th>{t('reports.col.app')}</th>
            <th className="num">{t('reports.records')}</th>
            <th className="num">{t('reports.bytes')}</th>
            <th className="num">{t('reports.cost')}</th>
          </>
        }
      >
        {data.apps.map((a) => (
          <tr key={a.app_id} data-testid="report-app">
            <td translate="no">{a.name}</td>
            <td className="num">{count(a.records)}</td>
            <td className="num">{bytes(a.bytes)}</td>
            <td className="num">{m(a.cost_minor)}</td>
          </tr>
        ))}
      </Table>
      <h3>{t('reports.endUsersTop', { count: data.end_users.length })}</h3>
      <Table
        head={
          <>
            <th>{t('reports.col.endUser')}</th>
            <th className="num">{t('reports.records')}</th>
            <th className="num">{t('reports.bytes')}</th>
            <th className="num">{t('reports.cost')}</th>
          </>
        }
      >
        {data.end_users.map((e) => (
          <tr key={e.user_id} data-testid="report-end-user">
            <td translate={e.user_id === '' ? undefined : 'no'}>
              {e.user_id === '' ? t('usage.unattributed') : e.user_id}
            </td>
            <td className="num">{count(e.records)}</td>
            <td className="num">{bytes(e.bytes)}</td>
            <td className="num">{m(e.cost_minor)}</td>
          </tr>
        ))}
        {data.end_users_rest.users > 0 && (
          <tr>
            <td>{t('reports.more', { count: data.end_users_rest.users })}</td>
            <td className="num">{count(data.end_users_rest.records)}</td>
            <td className="num">{bytes(data.end_users_rest.bytes)}</td>
            <td className="num">{m(data.end_users_rest.cost_minor)}</td>
          </tr>
        )}
      </Table>
      <h3>{t('reports.cost')}</h3>
      <Table
        head={
          <>
            <th>{t('reports.col.item')}</th>
            <th className="num">{t('reports.col.quantity')}</th>
            <th className="num">{t('reports.col.amount')}</th>
          </>
        }
      >
        {data.cost.lines.map((l) => (
          <tr key={l.item}>
            <td>{known(t, `reports.item.${l.item}`, l.item.replace('_', ' '))}</td>
            <td className="num">
              {fixed(l.quantity, l.unit === 'month' ? 0 : 4)}{' '}
              {known(t, `reports.unit.${l.unit}`, l.unit)}
            </td>
            <td className="num">{m(l.amount_minor)}</td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

/** A catalogue text for an API name (cost item, unit) the catalogue knows; the name itself else. */
function known(t: TFunction, key: string, fallback: string): string {
  return hasMessage(key) ? t(key) : fallback;
}

/** A number with exactly `digits` decimals in the reader's locale. */
function fixed(n: number, digits: number): string {
  return new Intl.NumberFormat(
    currentDisplay().intl.locale === 'en-XA' ? 'en' : currentDisplay().intl.locale,
    {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    },
  ).format(n);
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="stat">
      <span className="muted small">{label}</span>
      <strong data-testid={testId}>{value}</strong>
    </div>
  );
}
