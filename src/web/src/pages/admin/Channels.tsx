// Notification channels (admin console): where alerts go — webhook (signed), Slack, email, in-app —
// with "send test", and the deliveries that failed every attempt, each retryable.
import { useState } from 'react';
import {
  ConfirmDialog,
  CopyButton,
  EmptyState,
  FormDialog,
  LoadStatus,
  PageHeader,
  Table,
  TextField,
  useSubmit,
  useToast,
} from '../../components/ui.tsx';
import { BellIcon } from '../../components/NotificationBell.tsx';
import type { Channel, ChannelType, Delivery } from '../../lib/alerts.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { relativeAge } from '../../lib/time.ts';
import type { MeOrg } from '../../lib/types.ts';
import '../../alerts.css';

const TYPES: { id: ChannelType; label: string }[] = [
  { id: 'webhook', label: 'Webhook (signed JSON)' },
  { id: 'slack', label: 'Slack incoming webhook' },
  { id: 'email', label: 'Email' },
  { id: 'in_app', label: 'In-app (the bell)' },
];

function summary(c: Channel): string {
  if (c.type === 'email') return (c.config.to as string[]).join(', ');
  if (c.type === 'in_app') {
    const ids = (c.config.user_ids as string[] | undefined) ?? [];
    return ids.length ? `${ids.length} member(s)` : 'every member';
  }
  return String(c.config.url ?? '');
}

export function Channels({ org }: { org: MeOrg }) {
  const list = useApi<{ channels: Channel[] }>('/v1/notification-channels', { org: org.id });
  const dead = useApi<{ deliveries: Delivery[] }>('/v1/notification-deliveries', {
    org: org.id,
    status: 'dead',
  });
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Channel | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const toast = useToast();
  const test = (c: Channel): void => {
    api(`/v1/notification-channels/${c.id}/test`, { method: 'POST' }).then(
      () => toast(`Test sent to ${c.name}`),
      (e: unknown) => toast(`Test failed: ${errorMessage(e)}`, 'error'),
    );
  };
  const retry = (d: Delivery): void => {
    api(`/v1/notification-deliveries/${d.id}/retry`, { method: 'POST' }).then(
      () => {
        toast('Queued again');
        dead.reload();
      },
      (e: unknown) => toast(errorMessage(e), 'error'),
    );
  };
  const add = (
    <button className="button button-primary" onClick={() => setCreating(true)}>
      New channel
    </button>
  );
  return (
    <div className="page">
      <PageHeader
        title="Notification channels"
        description="Where alerts are sent. Rules pick one or more of these."
        action={add}
      />
      {secret && (
        <div className="callout">
          <p>
            The webhook's signing secret, shown once. Receivers verify{' '}
            <code>X-MyLog-Signature</code> with it:
          </p>
          <p className="mono">
            {secret} <CopyButton text={secret} />
          </p>
        </div>
      )}
      <LoadStatus data={list.data} error={list.error} />
      {list.data?.channels.length === 0 && (
        <EmptyState title="No channels yet" icon={<BellIcon size={22} />}>
          <p className="muted">
            Add a webhook, Slack, email or in-app channel so alerts can reach you.
          </p>
          {add}
        </EmptyState>
      )}
      {list.data && list.data.channels.length > 0 && (
        <Table
          head={
            <>
              <th>Name</th>
              <th>Type</th>
              <th className="hide-sm">Sends to</th>
              <th />
            </>
          }
        >
          {list.data.channels.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td>{c.type.replace('_', '-')}</td>
              <td className="hide-sm mono small">{summary(c)}</td>
              <td className="button-row end">
                <button className="button" onClick={() => test(c)}>
                  Send test
                </button>
                <button className="button button-danger" onClick={() => setDeleting(c)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <h2 className="section-title">Failed deliveries</h2>
      <LoadStatus data={dead.data} error={dead.error} />
      {dead.data?.deliveries.length === 0 && (
        <p className="muted">None: every notification was delivered or is still being retried.</p>
      )}
      {dead.data && dead.data.deliveries.length > 0 && (
        <Table
          head={
            <>
              <th>Notification</th>
              <th className="hide-sm">Attempts</th>
              <th className="hide-sm">Last error</th>
              <th>When</th>
              <th />
            </>
          }
        >
          {dead.data.deliveries.map((d) => (
            <tr key={d.id}>
              <td>{d.title}</td>
              <td className="hide-sm num">{d.attempts}</td>
              <td className="hide-sm small">{d.last_error}</td>
              <td className="muted">{relativeAge(d.created_at)}</td>
              <td>
                <button className="button" onClick={() => retry(d)}>
                  Retry
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {creating && (
        <NewChannel
          org={org}
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            setSecret(s ?? null);
            list.reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          message="Rules that use it keep their other channels."
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={() =>
            api(`/v1/notification-channels/${deleting.id}`, { method: 'DELETE' }).then(() => {
              setDeleting(null);
              list.reload();
            })
          }
        />
      )}
    </div>
  );
}

function NewChannel({
  org,
  onClose,
  onCreated,
}: {
  org: MeOrg;
  onClose: () => void;
  onCreated: (secret?: string) => void;
}) {
  const [type, setType] = useState<ChannelType>('webhook');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [to, setTo] = useState('');
  const { busy, error, submit } = useSubmit();
  const config = (): Record<string, unknown> => {
    if (type === 'webhook' || type === 'slack') return { url: url.trim() };
    if (type === 'email') return { to: to.split(/[\s,;]+/).filter(Boolean) };
    return {};
  };
  return (
    <FormDialog
      title="New notification channel"
      onClose={onClose}
      error={error}
      submitLabel="Create"
      disabled={busy || name.trim() === ''}
      onSubmit={() =>
        submit(
          () =>
            api<{ secret?: string }>('/v1/notification-channels', {
              method: 'POST',
              body: { org: org.id, name: name.trim(), type, config: config() },
            }),
          (res) => onCreated(res.secret),
        )
      }
    >
      <label>
        Type
        <select
          className="select"
          value={type}
          onChange={(e) => setType(e.target.value as ChannelType)}
        >
          {TYPES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        required
        maxLength={200}
        placeholder="On-call"
      />
      {(type === 'webhook' || type === 'slack') && (
        <TextField
          label="URL"
          value={url}
          onChange={setUrl}
          required
          type="url"
          placeholder="https://…"
        />
      )}
      {type === 'email' && (
        <TextField
          label="Addresses"
          value={to}
          onChange={setTo}
          required
          placeholder="oncall@example.com, …"
        />
      )}
      {type === 'in_app' && (
        <p className="muted small">Every member of {org.name} sees these in the bell.</p>
      )}
    </FormDialog>
  );
}
