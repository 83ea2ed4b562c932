// The bell in the top bar: unread count, the latest notifications, mark read. New ones arrive
// over /v1/notifications/stream (Server-Sent Events; the browser reconnects by itself) and, when
// the user allowed it, also show as desktop notifications through the browser's Notification API.
import { useCallback, useEffect, useState } from 'react';
import type { AppNotification } from '../lib/alerts.ts';
import { api } from '../lib/api.ts';
import { usePopover } from '../lib/focus.ts';
import { Link } from '../lib/router.tsx';
import { relativeAge } from '../lib/time.ts';
import { PushToggle } from './PushToggle.tsx';
import '../alerts.css';
import { useT } from '../i18n/I18nProvider.tsx';

type P = { size?: number };
export const BellIcon = ({ size = 16 }: P) => (
  <svg
    width={size}
    height={size}
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth="2"
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden="true"
  >
    <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0" />
  </svg>
);

const desktopAllowed = (): boolean =>
  typeof Notification !== 'undefined' && Notification.permission === 'granted';

export function NotificationBell() {
  const t = useT();
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<AppNotification[] | null>(null);
  const [open, setOpen] = useState(false);
  const [permission, setPermission] = useState(
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  const root = usePopover(open, () => setOpen(false));

  const load = useCallback(() => {
    api<{ notifications: AppNotification[]; unread_count: number }>('/v1/notifications', {
      query: { limit: 20 },
    }).then(
      (res) => {
        setItems(res.notifications);
        setUnread(res.unread_count);
      },
      () => setItems([]),
    );
  }, []);

  useEffect(() => {
    const source = new EventSource('/v1/notifications/stream');
    source.addEventListener('unread', (event) => {
      setUnread(
        (JSON.parse((event as MessageEvent).data) as { unread_count: number }).unread_count,
      );
    });
    source.addEventListener('notification', (event) => {
      const n = JSON.parse((event as MessageEvent).data) as AppNotification;
      setUnread((c) => c + 1);
      setItems((list) => (list ? [n, ...list].slice(0, 20) : list));
      if (desktopAllowed()) {
        const shown = new Notification(n.title, { body: n.body, tag: n.id });
        shown.onclick = () => {
          window.focus();
          if (n.link) location.assign(n.link);
        };
      }
    });
    return () => source.close();
  }, []);

  useEffect(() => {
    if (!open) return;
    load();
  }, [open, load]);

  const markAll = (): void => {
    void api<{ unread_count: number }>('/v1/notifications/read', {
      method: 'POST',
      body: { all: true },
    }).then((res) => {
      setUnread(res.unread_count);
      setItems(
        (list) =>
          list?.map((n) => ({ ...n, read_at: n.read_at ?? new Date().toISOString() })) ?? null,
      );
    });
  };

  const markOne = (n: AppNotification): void => {
    if (n.read_at) return;
    void api<{ unread_count: number }>('/v1/notifications/read', {
      method: 'POST',
      body: { ids: [n.id] },
    }).then((res) => setUnread(res.unread_count));
  };

  return (
    <div className="popover-anchor" ref={root}>
      <button
        className="icon-button bell-button"
        aria-label={unread > 0 ? t('bell.labelUnread', { count: unread }) : t('bell.label')}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell-count" data-testid="bell-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="popover bell-popover" role="dialog" aria-label={t('bell.label')}>
          <div className="bell-head">
            <strong>{t('bell.label')}</strong>
            {unread > 0 && (
              <button className="link-button small" onClick={markAll}>
                {t('bell.markAll')}
              </button>
            )}
          </div>
          {permission === 'default' && (
            <button
              className="link-button small bell-desktop"
              onClick={() => void Notification.requestPermission().then((p) => setPermission(p))}
            >
              {t('bell.desktop')}
            </button>
          )}
          <PushToggle />
          {items === null ? (
            <p className="muted small bell-empty">{t('common.loading')}</p>
          ) : items.length === 0 ? (
            <p className="muted small bell-empty">{t('bell.empty')}</p>
          ) : (
            <ul className="bell-list">
              {items.map((n) => (
                <li key={n.id} className={n.read_at ? 'bell-item' : 'bell-item unread'}>
                  <Link
                    href={n.link ? new URL(n.link, location.origin).pathname : '/alerts'}
                    onClick={() => {
                      markOne(n);
                      setOpen(false);
                    }}
                  >
                    <span className={`alert-dot state-${n.state ?? 'ok'}`} />
                    <span className="bell-text">
                      <span className="bell-title" translate="no">
                        {n.title}
                      </span>
                      <span className="muted small">{relativeAge(n.created_at)}</span>
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          <div className="bell-foot">
            <Link href="/alerts" onClick={() => setOpen(false)} className="small">
              {t('bell.allAlerts')}
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
