// Who is signed in (GET /v1/me), shared by every page. `null` means signed out.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthorized, setCsrfToken } from './api.ts';
import { navigate } from './router.tsx';
import type { Me, MeOrg } from './types.ts';

interface SessionValue {
  me: Me | null;
  loading: boolean;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  /** The org the admin console and onboarding work in. */
  org: MeOrg | null;
  setOrgId: (id: string) => void;
}

const SessionContext = createContext<SessionValue | null>(null);
const ORG_KEY = 'mylog.org';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [orgId, setOrgIdState] = useState<string | null>(() => localStorage.getItem(ORG_KEY));

  const refresh = useCallback(async () => {
    // The readable CSRF cookie exists exactly when a session cookie does; without it, asking
    // /v1/me would only earn a 401 (and a console error) on every signed-out visit.
    if (!/(?:^|;\s*)mylog_csrf=/.test(document.cookie)) {
      setMe(null);
      setLoading(false);
      return;
    }
    try {
      const next = await api<Me>('/v1/me');
      setCsrfToken(next.csrf_token);
      setMe(next);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) console.warn(error);
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthorized(() => setMe(null));
  }, [refresh]);

  const signOut = useCallback(async () => {
    const answer = await api<{ end_session_url: string | null }>('/auth/logout', {
      method: 'POST',
    }).catch(() => ({ end_session_url: null }));
    setCsrfToken(null);
    setMe(null);
    if (answer.end_session_url) location.assign(answer.end_session_url);
    else navigate('/login', { replace: true });
  }, []);

  const setOrgId = useCallback((id: string) => {
    localStorage.setItem(ORG_KEY, id);
    setOrgIdState(id);
  }, []);

  const org = me ? (me.orgs.find((o) => o.id === orgId) ?? me.orgs[0] ?? null) : null;

  return (
    <SessionContext.Provider value={{ me, loading, refresh, signOut, org, setOrgId }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export function canAdminister(role: string | undefined): boolean {
  return role === 'owner' || role === 'admin';
}
