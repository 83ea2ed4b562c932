// Create or edit an alert rule, with a preview of its measure and threshold over the last 24 h
// (POST /v1/logs/aggregate, the same compiler the evaluation uses).
import { useEffect, useMemo, useState } from 'react';
import { MeasureChart, type ChartSeries } from '../../components/MeasureChart.tsx';
import { Dialog, TextField, useSubmit } from '../../components/ui.tsx';
import { useT } from '../../i18n/I18nProvider.tsx';
import { hasMessage, t as translate } from '../../i18n/display.ts';
import {
  CONDITION_OPS,
  durationSeconds,
  MEASURE_OPS,
  type AlertRule,
  type Channel,
  type ConditionOp,
  type NoData,
} from '../../lib/alerts.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { useApi, useDebounced } from '../../lib/hooks.ts';
import type { MeOrg } from '../../lib/types.ts';

export interface AlertDraft {
  name: string;
  q: string;
  apps: string[];
  op: string;
  field: string;
  groupBy: string;
  condOp: ConditionOp;
  threshold: string;
  window: string;
  every: string;
  forDuration: string;
  noData: NoData;
  renotify: string;
  channels: string[];
}

export function draftOf(rule: AlertRule | null, q = '', apps: string[] = []): AlertDraft {
  return {
    name: rule?.name ?? '',
    q: rule?.q ?? q,
    apps: rule?.apps ?? apps,
    op: rule?.measure.op ?? 'count',
    field: rule?.measure.field ?? '',
    groupBy: rule?.group_by.join(', ') ?? '',
    condOp: rule?.condition.op ?? '>',
    threshold: rule ? String(rule.condition.threshold) : '0',
    window: rule?.window ?? '5m',
    every: rule?.every ?? '1m',
    forDuration: rule?.for ?? '0s',
    noData: rule?.no_data ?? 'ok',
    renotify: rule?.renotify ?? '',
    channels: rule?.channels ?? [],
  };
}

function bodyOf(d: AlertDraft) {
  const needsField = !['count', 'rate'].includes(d.op);
  return {
    name: d.name.trim(),
    q: d.q,
    apps: d.apps,
    measure: needsField ? { op: d.op, field: d.field.trim() } : { op: d.op },
    group_by: d.groupBy
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    condition: { op: d.condOp, threshold: Number(d.threshold) },
    window: d.window.trim(),
    every: d.every.trim(),
    for: d.forDuration.trim() || '0s',
    no_data: d.noData,
    renotify: d.renotify.trim() === '' ? null : d.renotify.trim(),
    channels: d.channels,
  };
}

function channelType(type: string): string {
  const key = `alerts.channel.${type}`;
  return hasMessage(key) ? translate(key) : type.replace('_', '-');
}

interface SeriesAnswer {
  interval_ms: number;
  series: {
    group: Record<string, string> | null;
    points: { ts: string; values: (number | null)[] }[];
  }[];
}

function Preview({ draft }: { draft: AlertDraft }) {
  const t = useT();
  const body = useDebounced(bodyOf(draft), 600);
  const [answer, setAnswer] = useState<SeriesAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const windowS = durationSeconds(body.window);
  // Buckets of the rule's window show what it would have measured; at least a minute, so a day
  // stays within the series limit.
  const interval = Number.isFinite(windowS) && windowS >= 60 ? body.window : '1m';
  const key = JSON.stringify([body.q, body.apps, body.measure, body.group_by, interval]);
  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    api<SeriesAnswer>('/v1/logs/aggregate', {
      method: 'POST',
      body: {
        q: body.q,
        ...(body.apps.length ? { apps: body.apps } : {}),
        from: 'now-24h',
        to: 'now',
        measures: [body.measure],
        ...(body.group_by.length ? { group_by: body.group_by, limit: 5 } : {}),
        interval,
      },
      signal: controller.signal,
    }).then(setAnswer, (e: unknown) => {
      if (!controller.signal.aborted) setError(errorMessage(e));
    });
    return () => controller.abort();
    // `key` stands for the request body.
  }, [key]);
  const chart = useMemo(() => {
    const first = answer?.series[0];
    if (!answer || !first) return null;
    const times = first.points.map((p) => Date.parse(p.ts) / 1000);
    const series: ChartSeries[] = answer.series.map((s) => ({
      label: s.group
        ? Object.values(s.group).join(' · ') || translate('dashboards.panel.none')
        : translate('dashboards.panel.value'),
      values: s.points.map((p) => p.values[0] ?? null),
    }));
    return { times, series };
  }, [answer]);
  const threshold = Number(draft.threshold);
  return (
    <div className="chart-box span-2" data-testid="alert-preview">
      <div className="muted small">
        {interval !== body.window
          ? t('alerts.form.bucketsWindow', { interval, window: body.window })
          : t('alerts.form.buckets', { interval })}
      </div>
      {error && <p className="form-error">{error}</p>}
      {!error && chart && chart.series.length > 0 && (
        <MeasureChart
          times={chart.times}
          series={chart.series}
          threshold={Number.isFinite(threshold) ? threshold : null}
        />
      )}
      {!error && chart === null && answer && (
        <p className="muted small">{t('alerts.form.noMatches')}</p>
      )}
    </div>
  );
}

export function AlertForm({
  org,
  rule,
  initial,
  onClose,
  onSaved,
}: {
  org: MeOrg;
  rule: AlertRule | null;
  initial: AlertDraft;
  onClose: () => void;
  onSaved: (rule: AlertRule) => void;
}) {
  const t = useT();
  const [draft, setDraft] = useState(initial);
  const set = <K extends keyof AlertDraft>(key: K, value: AlertDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const channels = useApi<{ channels: Channel[] }>('/v1/notification-channels', { org: org.id });
  const { busy, error, submit } = useSubmit();
  const needsField = !['count', 'rate'].includes(draft.op);
  const save = (): void =>
    submit(
      () =>
        rule
          ? api<{ alert: AlertRule }>(`/v1/alerts/${rule.id}`, {
              method: 'PATCH',
              body: bodyOf(draft),
            })
          : api<{ alert: AlertRule }>('/v1/alerts', {
              method: 'POST',
              body: { org: org.id, ...bodyOf(draft) },
            }),
      (res) => onSaved(res.alert),
    );
  return (
    <Dialog
      title={rule ? t('alerts.form.editTitle', { name: rule.name }) : t('alerts.new')}
      onClose={onClose}
      wide
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <div className="alert-form">
          <label className="span-2">
            {t('alerts.form.name')}
            <input
              className="input"
              required
              maxLength={200}
              value={draft.name}
              onChange={(e) => set('name', e.target.value)}
              placeholder={t('alerts.form.namePlaceholder')}
              autoFocus
            />
          </label>
          <label className="span-2">
            {t('alerts.form.query')}
            <input
              className="input mono"
              translate="no"
              value={draft.q}
              onChange={(e) => set('q', e.target.value)}
              placeholder="service:checkout level:error"
            />
            <span className="muted small">
              {draft.apps.length
                ? t('alerts.form.apps', { apps: draft.apps.join(', ') })
                : t('alerts.form.allApps')}
            </span>
          </label>
          <label>
            {t('alerts.form.measure')}
            <span className="inline">
              <select
                className="select"
                value={draft.op}
                onChange={(e) => set('op', e.target.value)}
                aria-label={t('alerts.form.measure')}
              >
                {MEASURE_OPS.map((op) => (
                  <option key={op} translate="no">
                    {op}
                  </option>
                ))}
              </select>
              {needsField && (
                <input
                  className="input"
                  translate="no"
                  aria-label={t('alerts.form.field')}
                  placeholder="duration_ms"
                  value={draft.field}
                  onChange={(e) => set('field', e.target.value)}
                />
              )}
            </span>
          </label>
          <TextField
            label={t('alerts.form.groupBy')}
            translate="no"
            placeholder="host"
            value={draft.groupBy}
            onChange={(v) => set('groupBy', v)}
          />
          <label>
            {t('alerts.form.condition')}
            <span className="inline">
              <select
                className="select"
                aria-label={t('alerts.form.condition')}
                value={draft.condOp}
                onChange={(e) => set('condOp', e.target.value as ConditionOp)}
              >
                {CONDITION_OPS.map((op) => (
                  <option key={op}>{op}</option>
                ))}
              </select>
              <input
                className="input"
                aria-label={t('alerts.form.threshold')}
                type="number"
                step="any"
                required
                value={draft.threshold}
                onChange={(e) => set('threshold', e.target.value)}
              />
            </span>
          </label>
          <TextField
            label={t('alerts.form.window')}
            value={draft.window}
            onChange={(v) => set('window', v)}
            placeholder="5m"
          />
          <TextField
            label={t('alerts.form.every')}
            value={draft.every}
            onChange={(v) => set('every', v)}
            placeholder="1m"
          />
          <TextField
            label={t('alerts.form.for')}
            value={draft.forDuration}
            onChange={(v) => set('forDuration', v)}
            placeholder="0s"
          />
          <label>
            {t('alerts.form.noData')}
            <select
              className="select"
              value={draft.noData}
              onChange={(e) => set('noData', e.target.value as NoData)}
            >
              {(['ok', 'no_data', 'firing', 'keep'] as const).map((value) => (
                <option key={value} value={value}>
                  {t(`alerts.noData.${value}`)}
                </option>
              ))}
            </select>
          </label>
          <TextField
            label={t('alerts.form.renotify')}
            value={draft.renotify}
            onChange={(v) => set('renotify', v)}
            placeholder={t('alerts.form.renotifyPlaceholder')}
          />
          <Preview draft={draft} />
          <fieldset className="span-2">
            <legend className="small">{t('alerts.form.notify')}</legend>
            {channels.data?.channels.length === 0 && (
              <p className="muted small">{t('alerts.form.noChannels')}</p>
            )}
            {channels.data?.channels.map((c) => (
              <label key={c.id} className="checkbox-line">
                <input
                  type="checkbox"
                  checked={draft.channels.includes(c.id)}
                  onChange={(e) =>
                    set(
                      'channels',
                      e.target.checked
                        ? [...draft.channels, c.id]
                        : draft.channels.filter((id) => id !== c.id),
                    )
                  }
                />
                <span translate="no">{c.name}</span>{' '}
                <span className="muted small">{channelType(c.type)}</span>
              </label>
            ))}
          </fieldset>
        </div>
        {error && <p className="form-error">{error}</p>}
        <div className="button-row end">
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button className="button button-primary" disabled={busy || draft.name.trim() === ''}>
            {rule ? t('common.save') : t('alerts.form.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
