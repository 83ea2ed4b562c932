// Sign in: SSO (the org's OIDC provider; in embedded mode the dev IdP) or a local account.
import { useState } from 'react';
import { api } from '../lib/api.ts';
import { navigate } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { Logo } from '../components/Logo.tsx';
import { Spinner, TextField, useSubmit } from '../components/ui.tsx';

export function SignIn({ returnTo }: { returnTo: string }) {
  const { refresh } = useSession();
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
        <h1>Sign in to MyLog</h1>
        <p className="muted">Search, tail and keep every log your apps write.</p>
        {ssoError && <p className="form-error">Single sign-on failed: {ssoError}</p>}
        <a className="button button-primary button-block button-large" href={loginHref}>
          Sign in with SSO
        </a>
        <div className="divider">
          <span>or</span>
        </div>
        {!showLocal ? (
          <button className="button button-block" onClick={() => setShowLocal(true)}>
            Sign in with a local admin account
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
              label="Email"
              type="email"
              autoComplete="username"
              autoFocus
              required
              value={email}
              onChange={setEmail}
            />
            <TextField
              label="Password"
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
              {busy && <Spinner />} Sign in
            </button>
          </form>
        )}
        <p className="muted small signin-foot">
          Local accounts are for platform admins outside your identity provider.
        </p>
      </div>
    </div>
  );
}
