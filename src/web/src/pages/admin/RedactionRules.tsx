// Redaction rules (admin console): what ingest rewrites before anything is stored, org-wide or per
// app; add, switch on/off, delete, and preview a draft rule over the app's newest records.
import { useState } from 'react';
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

function detectorText(d: Rule['detector']): string {
  return 'preset' in d ? d.preset : `/${d.pattern}/`;
}

function scopeText(s: Scope): string {
  return typeof s === 'string' ? s : `keys: ${s.attributes.join(', ')}`;
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
  const toggle = (rule: Rule): void => {
    api(`${base}/${rule.id}`, { method: 'PATCH', body: { enabled: !rule.enabled } }).then(
      () => list.reload(),
      (e: unknown) => toast(errorMessage(e), 'error'),
    );
  };
  const add = (
    <button className="button button-primary" onClick={() => setCreating(true)}>
      New rule
    </button>
  );
  return (
    <div className="page">
      <PageHeader
        title="Redaction"
        description="Personal data rewritten at ingest, before it is stored, tailed or exported."
        action={add}
      />
      <label className="redaction-target">
        Applies to{' '}
        <select
          className="select"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          aria-label="Rules of"
        >
          <option value="org">Every app of {org.name}</option>
          {apps.data?.apps.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <LoadStatus data={list.data} error={list.error} />
      {list.data?.rules.length === 0 && (
        <EmptyState title="No redaction rules" icon={<ShieldIcon />}>
          <p className="muted">
            Records are stored as sent. Add a rule to mask card numbers, e-mail addresses or tokens.
          </p>
          {add}
        </EmptyState>
      )}
      {list.data && list.data.rules.length > 0 && (
        <Table
          head={
            <>
              <th>Name</th>
              <th>Detector</th>
              <th className="hide-sm">Scope</th>
              <th>Action</th>
              <th>On</th>
              <th />
            </>
          }
        >
          {list.data.rules.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td className="mono small">{detectorText(r.detector)}</td>
              <td className="hide-sm small">{scopeText(r.scope)}</td>
              <td>
                {r.action}
                {r.action === 'partial' ? ` (last ${r.keep ?? 4})` : ''}
              </td>
              <td>
                <input
                  type="checkbox"
                  checked={r.enabled}
                  aria-label={`${r.name} enabled`}
                  onChange={() => toggle(r)}
                />
              </td>
              <td className="button-row end">
                <button className="button button-danger" onClick={() => setDeleting(r)}>
                  Delete
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
          title={`Delete ${deleting.name}?`}
          message="Records received from now on are no longer redacted by it. Stored records stay as they are."
          confirmLabel="Delete"
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
      title="New redaction rule"
      onClose={onClose}
      error={error}
      submitLabel="Create"
      disabled={busy || name.trim() === '' || (kind === 'pattern' && pattern === '')}
      onSubmit={() => submit(() => api(base, { method: 'POST', body: draft() }), onCreated)}
    >
      <TextField label="Name" value={name} onChange={setName} required maxLength={100} />
      <label>
        Detector
        <select
          className="select"
          aria-label="Detector"
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
              {p}
            </option>
          ))}
          <option value="__pattern">custom pattern (RE2)…</option>
        </select>
      </label>
      {kind === 'pattern' && (
        <TextField
          label="Pattern"
          value={pattern}
          onChange={setPattern}
          className="input mono"
          placeholder="order-[0-9]{6}"
        />
      )}
      <label>
        Scope
        <select
          className="select"
          aria-label="Scope"
          value={scope}
          onChange={(e) => setScope(e.target.value)}
        >
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          <option value="keys">only these attribute keys…</option>
        </select>
      </label>
      {scope === 'keys' && (
        <TextField label="Keys" value={keys} onChange={setKeys} placeholder="email, card" />
      )}
      <label>
        Action
        <select
          className="select"
          aria-label="Action"
          value={action}
          onChange={(e) => setAction(e.target.value)}
        >
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      {action === 'partial' && (
        <TextField
          label="Characters kept at the end"
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
            Preview on recent logs
          </button>
        </div>
      )}
      {preview && <PreviewTable preview={preview} />}
    </FormDialog>
  );
}

function PreviewTable({ preview }: { preview: Preview }) {
  return (
    <div className="redaction-preview" aria-live="polite">
      <p className="muted small">
        {preview.matched} of the {preview.sampled} newest records would change.
      </p>
      {preview.records.length > 0 && (
        <Table
          head={
            <>
              <th>Before</th>
              <th>After</th>
            </>
          }
        >
          {preview.records.slice(0, 20).map((r) => (
            <tr key={r.id}>
              <td className="mono small">{r.before.message}</td>
              <td className="mono small">{r.after ? r.after.message : '(record dropped)'}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
