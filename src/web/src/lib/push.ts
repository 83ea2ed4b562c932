// Web Push in this browser: subscribe with the server's VAPID key and register the subscription
// (PUT /v1/push/subscriptions, tied to this session, so signing out ends it), or stop. Needs the
// service worker (public/sw.js), which shows the pushed notifications.
import { api } from './api.ts';

export type PushState = 'unsupported' | 'off-server' | 'denied' | 'off' | 'on';

interface PushConfig {
  enabled: boolean;
  public_key: string | null;
}

export function pushSupported(): boolean {
  return (
    'serviceWorker' in navigator &&
    typeof window.PushManager !== 'undefined' &&
    typeof Notification !== 'undefined'
  );
}

async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  return navigator.serviceWorker.getRegistration('/');
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported() || !(await registration())) return 'unsupported';
  const config = await api<PushConfig>('/v1/push/config');
  if (!config.enabled) return 'off-server';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await registration();
  const subscription = await reg?.pushManager.getSubscription();
  if (!subscription) return 'off';
  const { subscriptions } = await api<{ subscriptions: { this_session: boolean }[] }>(
    '/v1/push/subscriptions',
  );
  return subscriptions.some((s) => s.this_session) ? 'on' : 'off';
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export async function enablePush(): Promise<PushState> {
  const config = await api<PushConfig>('/v1/push/config');
  if (!config.enabled || !config.public_key) return 'off-server';
  if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  const reg = (await registration()) ?? (await navigator.serviceWorker.ready);
  const subscription =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(config.public_key),
    }));
  await api('/v1/push/subscriptions', { method: 'PUT', body: subscription.toJSON() });
  return 'on';
}

export async function disablePush(): Promise<PushState> {
  const { subscriptions } = await api<{ subscriptions: { id: string; this_session: boolean }[] }>(
    '/v1/push/subscriptions',
  );
  for (const s of subscriptions.filter((s) => s.this_session)) {
    await api(`/v1/push/subscriptions/${s.id}`, { method: 'DELETE' });
  }
  await (await registration())?.pushManager.getSubscription().then((s) => s?.unsubscribe());
  return 'off';
}
