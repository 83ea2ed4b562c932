// Today's use of an app's daily record quota as a meter (from the usage counters); amber from the
// soft-limit warning on, red at the hard limit where ingest answers 429.
import { useT } from '../i18n/I18nProvider.tsx';
import { useApi } from '../lib/hooks.ts';
import type { AppQuota } from '../lib/usage.ts';
import { count } from '../lib/usage.ts';

export function QuotaMeter({ quota }: { quota: AppQuota }) {
  const t = useT();
  if (quota.daily_quota_records === null || quota.percent === null) {
    return (
      <span className="muted small">
        {t('usage.noQuota', { count: count(quota.records_today) })}
      </span>
    );
  }
  const state = quota.percent >= 100 ? 'over' : quota.percent >= quota.warn_percent ? 'warn' : 'ok';
  return (
    <div className="quota">
      <meter
        className={`quota-meter quota-${state}`}
        min={0}
        max={quota.daily_quota_records}
        low={(quota.daily_quota_records * quota.warn_percent) / 100}
        high={quota.daily_quota_records * 0.999}
        optimum={0}
        value={Math.min(quota.records_today, quota.daily_quota_records)}
        aria-label={t('usage.quotaLabel', { app: quota.name })}
      />
      <span className="small" data-testid={`quota-${quota.slug}`}>
        {count(quota.records_today)} / {count(quota.daily_quota_records)} ({count(quota.percent)} %)
      </span>
    </div>
  );
}

/** The quota meter of one app, for its settings page. */
export function AppQuotaMeter({ orgId, appId }: { orgId: string; appId: string }) {
  const { data } = useApi<{ day: string; apps: AppQuota[] }>(`/v1/orgs/${orgId}/usage/quotas`);
  const quota = data?.apps.find((a) => a.app_id === appId);
  const t = useT();
  if (!quota) return null;
  return (
    <section className="card">
      <h2>{t('usage.todaysQuota')}</h2>
      <QuotaMeter quota={quota} />
    </section>
  );
}
