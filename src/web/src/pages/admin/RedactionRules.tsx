// Redaction rules (admin console): what ingest rewrites before anything is stored, org-wide or per
// app; add, switch on/off, delete, and preview a draft rule over the app's newest records.
import { useState, type ReactNode } from 'react';
import {
  ConfirmDialog,
  EmptyState,
  FormDialog,
  LoadStatus,
  PageHeader,
  Table,
  TextField,
  useSubmit,
  useToast,
} from '../../components/ui.tsx';
import { ShieldIcon } from '../../components/icons.tsx';
import { useT, type TFunction } from '../../i18n/I18nProvider.tsx';
import { Msg } from '../../i18n/Msg.tsx';
import { hasMessage } from '../../i18n/display.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import type { MeOrg } from '../../lib/types.ts';
import {
  PRESET_NAMES as PRESETS,
  REDACTION_ACTIONS as ACTIONS,
  REDACTION_SCOPE_NAMES as SCOPES,
} from '../../../../modules/redaction/redaction-vocabulary.ts';

type Scope = string | { attributes: string[] };
interface Rule {
  id: string;
  name: string;
  detector: { preset: string } | { pattern: string };
  scope: Scope;
  action: string;
  keep: number | null;
  enabled: boolean;
}
interface Draft {
  name: string;
  detector: { preset: string } | { pattern: string };
  scope: Scope;
  action: string;
  keep?: number;
}
interface PreviewRecord {
  id: string;
  ts: string;
  before: { message: string; attributes: Record<string, string> };
  after: { message: string; attributes: Record<string, string> } | null;
}
interface Preview {
  sampled: number;
  matched: number;
  records: PreviewRecord[];
}

// Presets, actions and scopes are the API's ids: shown by their catalogue names, with the id under
// them (it is what the API and the audit log's entries say).
function vocabulary(t: TFunction, kind: 'preset' | 'action' | 'scope', id: string): string {
  const key = `redaction.${kind}.${id}`;
  return hasMessage(key) ? t(key) : id;
}

function Detector({ detector, t }: { detector: Rule['detector']; t: TFunction }) {
  if (!('preset' in detector)) return <span translate="no">/{detector.pattern}/</span>;
  return <Named name={vocabulary(t, 'preset', detector.preset)} id={detector.preset} />;
}

function Named({ name, id }: { name: string; id: string }) {
  return (
    <>
      <div>{name}</div>
      <div className="mono small muted" translate="no">
        {id}
      </div>
    </>
  );
}

function scopeText(t: TFunction, s: Scope): ReactNode {
  if (typeof s === 'string') return vocabulary(t, 'scope', s);
  return (
    <Msg
      id="redaction.scopeKeys"
      values={{ keys: <span translate="no">{s.attributes.join(', ')}</span> }}
    />
  );
}

function actionText(t: TFunction, rule: Rule): string {
  const action = vocabulary(t, 'action', rule.action);
  return rule.action === 'partial'
    ? t('redaction.partialKeep', { action, keep: rule.keep ?? 4 })
    : action;
}

export function RedactionRules({ org }: { org: MeOrg }) {
  const apps = useApi<{ apps: { id: string; name: string }[] }>(`/v1/orgs/${org.id}/apps`);
  const [target, setTarget] = useState<string>('org');
  const base =
    target === 'org'
      ? `/v1/orgs/${org.id}/redaction-rules`
      : `/v1/apps/${encodeURIComponent(target)}/redaction-rules`;
  const list = useApi<{ rules: Rule[] }>(base);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const toast = useToast();
  const t = useT();
  const toggle = (rule: Rule): void => {
    api(`${base}/${rule.id}`, { method: 'PATCH', body: { enabled: !rule.enabled } }).then(
      () => list.reload(),
      (e: unknown) => toast(errorMessage(e), 'error'),
    );
  };
  const add = (
    <button className="button button-primary" onClick={() => setCreating(true)}>
      {t('redaction.new')}
    </button>
  );
  return (
    <div className="page">
      <PageHeader
        title={t('admin.nav.redaction')}
        description={t('redaction.description')}
        action={add}
      />
      <label className="redaction-target">
        {t('redaction.appliesTo')}{' '}
        <select
          className="select"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          aria-label={t('redaction.rulesOf')}
        >
          <option value="org">{t('redaction.everyApp', { org: org.name })}</option>
          {apps.data?.apps.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <LoadStatus data={list.data} error={list.error} />
      {list.data?.rules.length === 0 && (
        <EmptyState title={t('redaction.empty')} icon={<ShieldIcon />}>
          <p className="muted">{t('redaction.emptyBody')}</p>
          {add}
        </EmptyState>
      )}
      {list.data && list.data.rules.length > 0 && (
        <Table
          head={
            <>
              <th>{t('admin.col.name')}</th>
              <th>{t('redaction.col.detector')}</th>
              <th className="hide-sm">{t('redaction.col.scope')}</th>
              <th>{t('governance.col.action')}</th>
              <th>{t('redaction.col.on')}</th>
              <th />
            </>
          }
        >
          {list.data.rules.map((r) => (
            <tr key={r.id}>
              <td translate="no">{r.name}</td>
              <td className="small">
                <Detector detector={r.detector} t={t} />
              </td>
              <td className="hide-sm small">{scopeText(t, r.scope)}</td>
              <td>{actionText(t, r)}</td>
              <td>
                <input
                  type="checkbox"
                  checked={r.enabled}
                  aria-label={t('redaction.enabledLabel', { name: r.name })}
                  onChange={() => toggle(r)}
                />
              </td>
              <td className="button-row end">
                <button className="button button-danger" onClick={() => setDeleting(r)}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {creating && (
        <NewRule
          base={base}
          previewApp={target === 'org' ? (apps.data?.apps[0]?.id ?? null) : target}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            list.reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('redaction.deleteTitle', { name: deleting.name })}
          message={t('redaction.deleteMessage')}
          confirmLabel={t('common.delete')}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={() =>
            api(`${base}/${deleting.id}`, { method: 'DELETE' }).then(() => {
              setDeleting(null);
              list.reload();
            })
          }
        />
      )}
    </div>
  );
}

function NewRule({
  base,
  previewApp,
  onClose,
  onCreated,
}: {
  base: string;
  previewApp: string | null;
  onClose: () => void;
  onCreated: () => void;
}) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'preset' | 'pattern'>('preset');
  const [preset, setPreset] = useState('payment_card');
  const [pattern, setPattern] = useState('');
  const [scope, setScope] = useState('all');
  const [keys, setKeys] = useState('');
  const [action, setAction] = useState('mask');
  const [keep, setKeep] = useState('4');
  const [preview, setPreview] = useState<Preview | null>(null);
  const { busy, error, setError, submit } = useSubmit();
  const t = useT();
  const draft = (): Draft => ({
    name: name.trim() || 'draft',
    detector: kind === 'preset' ? { preset } : { pattern },
    scope:
      scope === 'keys'
        ? {
            attributes: keys
              .split(',')
              .map((k) => k.trim())
              .filter(Boolean),
          }
        : scope,
    action,
    ...(action === 'partial' ? { keep: Number(keep) } : {}),
  });
  const runPreview = (): void => {
    if (previewApp === null) return;
    setError(null);
    api<Preview>(`/v1/apps/${encodeURIComponent(previewApp)}/redaction-rules/preview`, {
      method: 'POST',
      body: { rule: draft(), limit: 100 },
    }).then(setPreview, (e: unknown) => setError(errorMessage(e)));
  };
  return (
    <FormDialog
      title={t('redaction.newTitle')}
      onClose={onClose}
      error={error}
      submitLabel={t('governance.create')}
      disabled={busy || name.trim() === '' || (kind === 'pattern' && pattern === '')}
      onSubmit={() => submit(() => api(base, { method: 'POST', body: draft() }), onCreated)}
    >
      <TextField
        label={t('admin.col.name')}
        value={name}
        onChange={setName}
        required
        maxLength={100}
      />
      <label>
        {t('redaction.col.detector')}
        <select
          className="select"
          aria-label={t('redaction.col.detector')}
          value={kind === 'preset' ? preset : '__pattern'}
          onChange={(e) => {
            if (e.target.value === '__pattern') setKind('pattern');
            else {
              setKind('preset');
              setPreset(e.target.value);
            }
          }}
        >
          {PRESETS.map((p) => (
            <option key={p} value={p}>
              {vocabulary(t, 'preset', p)}
            </option>
          ))}
          <option value="__pattern">{t('redaction.customPattern')}</option>
        </select>
      </label>
      {kind === 'pattern' && (
        <TextField
          label={t('redaction.pattern')}
          value={pattern}
          onChange={setPattern}
          translate="no"
          className="input mono"
          placeholder="order-[0-9]{6}"
        />
      )}
      <label>
        {t('redaction.col.scope')}
        <select
          className="select"
          aria-label={t('redaction.col.scope')}
          value={scope}
          onChange={(e) => setScope(e.target.value)}
        >
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {vocabulary(t, 'scope', s)}
            </option>
          ))}
          <option value="keys">{t('redaction.onlyKeys')}</option>
        </select>
      </label>
      {scope === 'keys' && (
        <TextField
          label={t('redaction.keys')}
          value={keys}
          onChange={setKeys}
          placeholder={t('redaction.keysPlaceholder')}
        />
      )}
      <label>
        {t('governance.col.action')}
        <select
          className="select"
          aria-label={t('governance.col.action')}
          value={action}
          onChange={(e) => setAction(e.target.value)}
        >
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {vocabulary(t, 'action', a)}
            </option>
          ))}
        </select>
      </label>
      {action === 'partial' && (
        <TextField
          label={t('redaction.keep')}
          value={keep}
          onChange={setKeep}
          type="number"
          min={0}
          max={32}
        />
      )}
      {previewApp !== null && (
        <div className="button-row">
          <button type="button" className="button" onClick={runPreview}>
            {t('redaction.preview')}
          </button>
        </div>
      )}
      {preview && <PreviewTable preview={preview} />}
    </FormDialog>
  );
}

function PreviewTable({ preview }: { preview: Preview }) {
  const t = useT();
  return (
    <div className="redaction-preview" aria-live="polite">
      <p className="muted small">
        {t('redaction.previewSummary', { matched: preview.matched, sampled: preview.sampled })}
      </p>
      {preview.records.length > 0 && (
        <Table
          head={
            <>
              <th>{t('governance.before')}</th>
              <th>{t('governance.after')}</th>
            </>
          }
        >
          {preview.records.slice(0, 20).map((r) => (
            <tr key={r.id}>
              <td className="mono small" translate="no">
                {r.before.message}
              </td>
              {r.after ? (
                <td className="mono small" translate="no">
                  {r.after.message}
                </td>
              ) : (
                <td className="mono small">{t('redaction.recordDropped')}</td>
              )}
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
