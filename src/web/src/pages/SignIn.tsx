// Sign in: SSO (the org's OIDC provider; in embedded mode the dev IdP) or a local account.
import { useState } from 'react';
import { api } from '../lib/api.ts';
import { navigate } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { Logo } from '../components/Logo.tsx';
import { Spinner, TextField, useSubmit } from '../components/ui.tsx';
import { useT } from '../i18n/I18nProvider.tsx';

export function SignIn({ returnTo }: { returnTo: string }) {
  const { refresh } = useSession();
  const t = useT();
  const [showLocal, setShowLocal] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, submit } = useSubmit();
  const ssoError = new URLSearchParams(location.search).get('error');
  const loginHref = `/auth/login?return_to=${encodeURIComponent(returnTo)}`;

  return (
    <div className="signin">
      <div className="signin-card">
        <Logo large />
        <h1>{t('signin.title')}</h1>
        <p className="muted">{t('signin.tagline')}</p>
        {ssoError && <p className="form-error">{t('signin.ssoFailed', { error: ssoError })}</p>}
        <a className="button button-primary button-block button-large" href={loginHref}>
          {t('signin.sso')}
        </a>
        <div className="divider">
          <span>{t('signin.or')}</span>
        </div>
        {!showLocal ? (
          <button className="button button-block" onClick={() => setShowLocal(true)}>
            {t('signin.local')}
          </button>
        ) : (
          <form
            className="form"
            onSubmit={(event) => {
              event.preventDefault();
              setError(null);
              submit(
                () =>
                  api('/auth/local', { method: 'POST', body: { email, password } }).then(() =>
                    refresh(),
                  ),
                () => navigate(returnTo, { replace: true }),
              );
            }}
          >
            <TextField
              label={t('signin.email')}
              type="email"
              autoComplete="username"
              autoFocus
              required
              value={email}
              onChange={setEmail}
            />
            <TextField
              label={t('signin.password')}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={setPassword}
            />
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <button className="button button-primary button-block" disabled={busy}>
              {busy && <Spinner />} {t('signin.submit')}
            </button>
          </form>
        )}
        <p className="muted small signin-foot">{t('signin.foot')}</p>
      </div>
    </div>
  );
}
