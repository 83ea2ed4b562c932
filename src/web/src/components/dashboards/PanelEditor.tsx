// The panel editor: type, title, the explorer's query bar (with its completion), measures,
// group-by, interval, style, and a live preview of the panel as it will look.
import { useState } from 'react';
import {
  OPS,
  PANEL_TYPES,
  type Measure,
  type Panel,
  type PanelType,
} from '../../lib/dashboards.ts';
import { useT } from '../../i18n/I18nProvider.tsx';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { Dialog } from '../ui.tsx';
import { QueryBar } from '../QueryBar.tsx';
import { PanelView, type PanelContext } from './PanelView.tsx';

const NEEDS_FIELD = (op: string) => op !== 'count' && op !== 'rate';

export function PanelEditor({
  panel,
  ctx,
  apps,
  onSave,
  onClose,
}: {
  panel: Panel;
  ctx: PanelContext;
  apps: string[];
  onSave: (panel: Panel) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [draft, setDraft] = useState<Panel>(panel);
  const query = draft.query ?? {};
  const ingest = query.source === 'ingest';
  const set = (patch: Partial<Panel>) => setDraft((d) => ({ ...d, ...patch }));
  const setQuery = (patch: Record<string, unknown>) =>
    setDraft((d) => ({ ...d, query: { ...(d.query ?? {}), ...patch } }));
  const measures: Measure[] = query.measures ?? [{ op: 'count' }];
  const setMeasure = (i: number, m: Measure) =>
    setQuery({ measures: measures.map((old, j) => (j === i ? m : old)) });
  const charted = draft.type !== 'markdown' && draft.type !== 'logs' && !ingest;

  return (
    <Dialog
      title={
        panel.title
          ? t('dashboards.editor.editTitle', { title: panel.title })
          : t('dashboards.newPanel')
      }
      onClose={onClose}
      wide
      footer={
        <div className="button-row end">
          <button className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button className="button button-primary" onClick={() => onSave(draft)}>
            {t('dashboards.editor.apply')}
          </button>
        </div>
      }
    >
      <div className="panel-editor">
        <div className="form">
          <label>
            {t('dashboards.editor.title')}
            <input
              className="input"
              translate="no"
              value={draft.title}
              onChange={(e) => set({ title: e.target.value })}
            />
          </label>
          <label>
            {t('dashboards.editor.type')}
            <select
              className="select"
              value={draft.type}
              onChange={(e) => set({ type: e.target.value as PanelType })}
            >
              {PANEL_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`dashboards.type.${type}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          {draft.type === 'markdown' ? (
            <label>
              {t('dashboards.editor.text')}
              <textarea
                className="input"
                translate="no"
                rows={6}
                value={String(draft.options?.text ?? '')}
                onChange={(e) => set({ options: { ...draft.options, text: e.target.value } })}
              />
            </label>
          ) : (
            !ingest && (
              <div className="editor-query">
                <span className="label">{t('dashboards.editor.query')}</span>
                <QueryBar
                  value={query.q ?? ''}
                  onSubmit={(q) => setQuery({ q })}
                  serverError={null}
                  scope={{ apps, from: ctx.range.from, to: ctx.range.to }}
                />
              </div>
            )
          )}
          {charted && (
            <>
              <span className="label">{t('dashboards.editor.measures')}</span>
              {measures.map((m, i) => (
                <div className="measure-row" key={i}>
                  <select
                    className="select"
                    aria-label={t('dashboards.editor.measureOp', { n: i + 1 })}
                    value={m.op}
                    onChange={(e) =>
                      setMeasure(
                        i,
                        NEEDS_FIELD(e.target.value)
                          ? { op: e.target.value, field: m.field ?? '' }
                          : { op: e.target.value },
                      )
                    }
                  >
                    {OPS.map((op) => (
                      <option key={op} translate="no">
                        {op}
                      </option>
                    ))}
                  </select>
                  {NEEDS_FIELD(m.op) && (
                    <input
                      className="input"
                      aria-label={t('dashboards.editor.measureField', { n: i + 1 })}
                      placeholder={t('dashboards.editor.fieldPlaceholder')}
                      value={m.field ?? ''}
                      onChange={(e) => setMeasure(i, { op: m.op, field: e.target.value })}
                    />
                  )}
                  {measures.length > 1 && (
                    <button
                      className="button"
                      onClick={() => setQuery({ measures: measures.filter((_, j) => j !== i) })}
                    >
                      {t('dashboards.remove')}
                    </button>
                  )}
                </div>
              ))}
              {measures.length < 8 && (
                <button
                  className="button"
                  onClick={() => setQuery({ measures: [...measures, { op: 'count' }] })}
                >
                  {t('dashboards.editor.addMeasure')}
                </button>
              )}
              <label>
                {t('dashboards.editor.groupByHint')}
                <input
                  className="input"
                  translate="no"
                  aria-label={t('dashboards.editor.groupBy')}
                  placeholder="service, level"
                  value={(query.group_by ?? []).join(', ')}
                  onChange={(e) =>
                    setQuery({
                      group_by: e.target.value
                        .split(',')
                        .map((s) => s.trim())
                        .filter(Boolean)
                        .slice(0, 3),
                    })
                  }
                />
              </label>
              <div className="measure-row">
                <label>
                  {t('dashboards.editor.top')}
                  <input
                    className="input"
                    type="number"
                    min={1}
                    max={100}
                    value={query.limit ?? 10}
                    onChange={(e) => setQuery({ limit: Math.max(1, Number(e.target.value) || 10) })}
                  />
                </label>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={query.other === true}
                    onChange={(e) => setQuery({ other: e.target.checked })}
                  />
                  {t('dashboards.editor.sumOther')}
                </label>
              </div>
            </>
          )}
          {draft.type === 'timeseries' && (
            <div className="measure-row">
              <label>
                {t('dashboards.editor.interval')}
                <select
                  className="select"
                  value={query.interval ?? 'auto'}
                  onChange={(e) => setQuery({ interval: e.target.value })}
                >
                  {['auto', '1m', '5m', '15m', '1h', '1d'].map((i) => (
                    <option key={i} value={i}>
                      {i === 'auto' ? t('dashboards.editor.auto') : i}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('dashboards.editor.style')}
                <select
                  className="select"
                  value={String(draft.options?.style ?? 'line')}
                  onChange={(e) => set({ options: { ...draft.options, style: e.target.value } })}
                >
                  {(['line', 'area', 'bars'] as const).map((style) => (
                    <option key={style} value={style}>
                      {t(`dashboards.style.${style}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.options?.stacked === true}
                  onChange={(e) =>
                    set({ options: { ...draft.options, stacked: e.target.checked } })
                  }
                />
                {t('dashboards.editor.stacked')}
              </label>
            </div>
          )}
        </div>
        <div className="editor-preview" data-testid="panel-preview">
          <span className="label">{t('dashboards.editor.preview')}</span>
          <div className="dash-panel preview" style={{ ['--panel-h' as string]: '260px' }}>
            <PanelView panel={normalise(draft)} ctx={ctx} />
          </div>
        </div>
      </div>
    </Dialog>
  );
}

/** What the panel's type expects: a series needs an interval, rows none; logs and text no measures. */
export function normalise(panel: Panel): Panel {
  if (panel.type === 'markdown') return { ...panel, query: undefined };
  const query = { ...(panel.query ?? {}) };
  if (query.source === 'ingest') return panel;
  if (panel.type === 'logs') return { ...panel, query: { q: query.q ?? '' } };
  query.measures = (query.measures ?? [{ op: 'count' }]).map((m) =>
    NEEDS_FIELD(m.op) ? { op: m.op, field: m.field || 'duration_ms' } : { op: m.op },
  );
  if (panel.type === 'timeseries') query.interval = query.interval ?? 'auto';
  else delete query.interval;
  if (panel.type === 'stat') delete query.group_by;
  return { ...panel, query };
}
