// This month so far for the current org: spend to date and projected, quota meters per app, and
// usage by app, end user or day (paged through the usage API's cursor).
import { useState } from 'react';
import { QuotaMeter } from '../../components/QuotaMeter.tsx';
import { EmptyState, LoadStatus, PageHeader, Table, Tabs } from '../../components/ui.tsx';
import { useT } from '../../i18n/I18nProvider.tsx';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { Msg } from '../../i18n/Msg.tsx';
import { errorMessage } from '../../lib/api.ts';
import { useApi, usePagedApi } from '../../lib/hooks.ts';
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
const GROUP_LABEL: Record<Group, MessageKey> = {
  app: 'usage.by.app',
  user_id: 'usage.by.user_id',
  day: 'usage.by.day',
};
/** The table's first column: what a row is, per grouping. */
const GROUP_COLUMN: Record<Group, MessageKey> = {
  app: 'usage.col.by.app',
  user_id: 'usage.col.by.user_id',
  day: 'usage.col.by.day',
};
const PAGE_ROWS = 50;

export function UsagePage() {
  const { org } = useSession();
  const t = useT();
  if (!org) return <EmptyState title={t('usage.noOrg')}>{t('usage.noOrgBody')}</EmptyState>;
  if (!canAdminister(org.role)) {
    return (
      <div className="page narrow">
        <h1>{t('usage.title')}</h1>
        <p className="muted">{t('usage.adminsOnly')}</p>
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
  const t = useT();
  return (
    <div className="page">
      <PageHeader
        title={t('usage.title')}
        description={
          <Msg id="usage.description" values={{ org: <span translate="no">{orgName}</span> }} />
        }
        action={
          <Link className="button" href="/reports">
            {t('usage.monthlyReports')}
          </Link>
        }
      />
      <section className="stat-row">
        <Stat label={t('usage.spendToDate')} testId="spend-to-date">
          {s ? money(s.to_date_minor, s.minor_digits, s.currency) : '…'}
        </Stat>
        <Stat label={t('usage.projected')} testId="spend-projected">
          {s ? money(s.projected_minor, s.minor_digits, s.currency) : '…'}
        </Stat>
        <Stat label={t('usage.month')} testId="spend-month">
          {s
            ? t('usage.elapsed', { month: s.month, percent: Math.round(s.elapsed_ratio * 100) })
            : '…'}
        </Stat>
      </section>
      <LoadStatus data={spend.data} error={spend.error} />

      <h2>{t('usage.todaysQuotas')}</h2>
      <LoadStatus data={quotas.data} error={quotas.error} />
      {quotas.data && quotas.data.apps.length === 0 && <p className="muted">{t('usage.noApps')}</p>}
      {quotas.data && quotas.data.apps.length > 0 && (
        <Table
          head={
            <>
              <th>{t('usage.col.app')}</th>
              <th>{t('usage.col.today', { day: quotas.data.day })}</th>
            </>
          }
        >
          {quotas.data.apps.map((q) => (
            <tr key={q.app_id}>
              <td translate="no">{q.name}</td>
              <td>
                <QuotaMeter quota={q} />
              </td>
            </tr>
          ))}
        </Table>
      )}

      <h2>{t('usage.thisMonth')}</h2>
      <Tabs tabs={GROUPS} current={group} onChange={setGroup} label={(g) => t(GROUP_LABEL[g])} />
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
  const { rows, error, loading, more } = usePagedApi<UsageRowsPage, UsageRow>(
    `/v1/orgs/${orgId}/usage`,
    { group_by: group, limit: PAGE_ROWS },
    (page) => page.rows,
  );
  const apps = useApi<{ apps: App[] }>(group === 'app' ? `/v1/orgs/${orgId}/apps` : null);
  const names = new Map((apps.data?.apps ?? []).map((a) => [a.id, a.name]));
  const t = useT();

  if (error !== undefined) return <p className="form-error">{errorMessage(error)}</p>;
  if (!loading && rows.length === 0) {
    return <p className="muted">{t('usage.nothing')}</p>;
  }
  const label = (r: UsageRow) =>
    group === 'app'
      ? (names.get(r.app_id ?? '') ??
        (r.app_id === '00000000-0000-0000-0000-000000000000' ? t('usage.severalApps') : r.app_id))
      : group === 'user_id'
        ? r.user_id === ''
          ? t('usage.unattributed')
          : r.user_id
        : r.day;
  return (
    <>
      <Table
        className="usage-table"
        head={
          <>
            <th>{t(GROUP_COLUMN[group])}</th>
            <th className="num">{t('usage.col.records')}</th>
            <th className="num">{t('usage.col.bytes')}</th>
            <th className="num">{t('usage.col.errors')}</th>
            <th className="num">{t('usage.col.stored')}</th>
            <th className="num">{t('usage.col.queries')}</th>
          </>
        }
      >
        {rows.map((r) => (
          <tr key={r.app_id ?? r.user_id ?? r.day} data-testid="usage-row">
            <td translate={group === 'day' ? undefined : 'no'}>{label(r)}</td>
            <td className="num">{count(r.records)}</td>
            <td className="num">{bytes(r.bytes)}</td>
            <td className="num">{count(r.error_records)}</td>
            <td className="num">{bytes(r.stored_bytes)}</td>
            <td className="num">{count(r.queries)}</td>
          </tr>
        ))}
      </Table>
      {more && (
        <button className="button" onClick={more}>
          {t('usage.loadMore')}
        </button>
      )}
    </>
  );
}

type UsageRowsPage = UsagePageJson;
