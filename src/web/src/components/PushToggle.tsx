// "Push to this device" in the bell: alert notifications as Web Push, also when MyLog is closed.
// Shown only where the browser, the service worker and the server (VAPID keys) all support it.
import { useEffect, useState } from 'react';
import { errorMessage } from '../lib/api.ts';
import { disablePush, enablePush, pushState, type PushState } from '../lib/push.ts';
import { useT } from '../i18n/I18nProvider.tsx';

export function PushToggle() {
  const [state, setState] = useState<PushState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const t = useT();

  useEffect(() => {
    pushState().then(setState, () => setState('unsupported'));
  }, []);

  if (state === null || state === 'unsupported' || state === 'off-server') return null;
  if (state === 'denied') {
    return <p className="muted small bell-push">{t('push.blocked')}</p>;
  }
  const toggle = (): void => {
    setBusy(true);
    setError(null);
    (state === 'on' ? disablePush() : enablePush())
      .then(setState, (e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="bell-push">
      <button
        className="link-button small"
        onClick={toggle}
        disabled={busy}
        aria-pressed={state === 'on'}
      >
        {state === 'on' ? t('push.stop') : t('push.start')}
      </button>
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
