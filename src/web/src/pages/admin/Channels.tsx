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
import { useT, type TFunction } from '../../i18n/I18nProvider.tsx';
import { Msg } from '../../i18n/Msg.tsx';
import type { Channel, ChannelType, Delivery } from '../../lib/alerts.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { useApi } from '../../lib/hooks.ts';
import { relativeAge } from '../../lib/time.ts';
import { count } from '../../lib/usage.ts';
import type { MeOrg } from '../../lib/types.ts';
import '../../alerts.css';

const TYPES: ChannelType[] = ['webhook', 'slack', 'email', 'in_app'];

/** Where a channel sends: addresses and URLs are the user's data; the in-app audience is words. */
function Summary({ channel: c, t }: { channel: Channel; t: TFunction }) {
  if (c.type === 'in_app') {
    const ids = (c.config.user_ids as string[] | undefined) ?? [];
    return (
      <>{ids.length ? t('channels.members', { count: ids.length }) : t('channels.everyMember')}</>
    );
  }
  const text =
    c.type === 'email' ? (c.config.to as string[]).join(', ') : String(c.config.url ?? '');
  return <span translate="no">{text}</span>;
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
  const t = useT();
  const test = (c: Channel): void => {
    api(`/v1/notification-channels/${c.id}/test`, { method: 'POST' }).then(
      () => toast(t('channels.testSent', { name: c.name })),
      (e: unknown) => toast(t('channels.testFailed', { error: errorMessage(e) }), 'error'),
    );
  };
  const retry = (d: Delivery): void => {
    api(`/v1/notification-deliveries/${d.id}/retry`, { method: 'POST' }).then(
      () => {
        toast(t('channels.queuedAgain'));
        dead.reload();
      },
      (e: unknown) => toast(errorMessage(e), 'error'),
    );
  };
  const add = (
    <button className="button button-primary" onClick={() => setCreating(true)}>
      {t('channels.new')}
    </button>
  );
  return (
    <div className="page">
      <PageHeader
        title={t('admin.nav.channels')}
        description={t('channels.description')}
        action={add}
      />
      {secret && (
        <div className="callout">
          <p>
            <Msg id="channels.secret" />
          </p>
          <p className="mono" translate="no">
            {secret} <CopyButton text={secret} />
          </p>
        </div>
      )}
      <LoadStatus data={list.data} error={list.error} />
      {list.data?.channels.length === 0 && (
        <EmptyState title={t('channels.empty')} icon={<BellIcon size={22} />}>
          <p className="muted">{t('channels.emptyBody')}</p>
          {add}
        </EmptyState>
      )}
      {list.data && list.data.channels.length > 0 && (
        <Table
          head={
            <>
              <th>{t('admin.col.name')}</th>
              <th>{t('governance.col.type')}</th>
              <th className="hide-sm">{t('channels.col.sendsTo')}</th>
              <th />
            </>
          }
        >
          {list.data.channels.map((c) => (
            <tr key={c.id}>
              <td translate="no">{c.name}</td>
              <td>{t(`alerts.channel.${c.type}`)}</td>
              <td className="hide-sm mono small">
                <Summary channel={c} t={t} />
              </td>
              <td className="button-row end">
                <button className="button" onClick={() => test(c)}>
                  {t('channels.sendTest')}
                </button>
                <button className="button button-danger" onClick={() => setDeleting(c)}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <h2 className="section-title">{t('channels.failed')}</h2>
      <LoadStatus data={dead.data} error={dead.error} />
      {dead.data?.deliveries.length === 0 && <p className="muted">{t('channels.failedNone')}</p>}
      {dead.data && dead.data.deliveries.length > 0 && (
        <Table
          head={
            <>
              <th>{t('channels.col.notification')}</th>
              <th className="hide-sm">{t('channels.col.attempts')}</th>
              <th className="hide-sm">{t('channels.col.lastError')}</th>
              <th>{t('governance.col.when')}</th>
              <th />
            </>
          }
        >
          {dead.data.deliveries.map((d) => (
            <tr key={d.id}>
              <td translate="no">{d.title}</td>
              <td className="hide-sm num">{count(d.attempts)}</td>
              <td className="hide-sm small" translate="no">
                {d.last_error}
              </td>
              <td className="muted">{relativeAge(d.created_at)}</td>
              <td>
                <button className="button" onClick={() => retry(d)}>
                  {t('channels.retry')}
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
          title={t('channels.deleteTitle', { name: deleting.name })}
          message={t('channels.deleteMessage')}
          confirmLabel={t('common.delete')}
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
  const t = useT();
  const config = (): Record<string, unknown> => {
    if (type === 'webhook' || type === 'slack') return { url: url.trim() };
    if (type === 'email') return { to: to.split(/[\s,;]+/).filter(Boolean) };
    return {};
  };
  return (
    <FormDialog
      title={t('channels.newTitle')}
      onClose={onClose}
      error={error}
      submitLabel={t('governance.create')}
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
        {t('governance.col.type')}
        <select
          className="select"
          value={type}
          onChange={(e) => setType(e.target.value as ChannelType)}
        >
          {TYPES.map((id) => (
            <option key={id} value={id}>
              {t(`channels.typeOption.${id}`)}
            </option>
          ))}
        </select>
      </label>
      <TextField
        label={t('admin.col.name')}
        value={name}
        onChange={setName}
        required
        maxLength={200}
        placeholder={t('channels.namePlaceholder')}
      />
      {(type === 'webhook' || type === 'slack') && (
        <TextField
          label={t('channels.url')}
          value={url}
          onChange={setUrl}
          required
          type="url"
          translate="no"
          placeholder="https://…"
        />
      )}
      {type === 'email' && (
        <TextField
          label={t('channels.addresses')}
          value={to}
          onChange={setTo}
          required
          translate="no"
          placeholder={t('channels.addressesPlaceholder')}
        />
      )}
      {type === 'in_app' && (
        <p className="muted small">
          <Msg id="channels.inAppNote" values={{ org: <span translate="no">{org.name}</span> }} />
        </p>
      )}
    </FormDialog>
  );
}
