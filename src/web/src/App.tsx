// The shell: top bar (navigation, org, theme, account) and the route table.
import { useEffect, useState } from 'react';
import { Logo } from './components/Logo.tsx';
import { DashboardIcon } from './components/dashboards/DashboardIcon.tsx';
import { UsageIcon } from './components/UsageIcon.tsx';
import { BellIcon, NotificationBell } from './components/NotificationBell.tsx';
import { LogOutIcon, MoonIcon, SearchIcon, SettingsIcon, SunIcon } from './components/icons.tsx';
import { Spinner } from './components/ui.tsx';
import { usePopover } from './lib/focus.ts';
import { Link, navigate, useRoute } from './lib/router.tsx';
import { canAdminister, useSession } from './lib/session.tsx';
import { applyTheme, resolvedTheme, storedTheme, type ThemeChoice } from './lib/theme.ts';
import { safeReturnTo } from '../../modules/auth/return-to.ts';
import { AccountPreferences } from './i18n/AccountPreferences.tsx';
import { roleName, useT } from './i18n/I18nProvider.tsx';
import { AdminPage } from './pages/admin/AdminPage.tsx';
import { AlertsPage } from './pages/alerts/AlertsPage.tsx';
import { Explorer } from './pages/Explorer.tsx';
import { DashboardsPage } from './pages/Dashboards.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { ReportsPage } from './pages/usage/ReportsPage.tsx';
import { UsagePage } from './pages/usage/UsagePage.tsx';

export function App() {
  const { me, loading } = useSession();
  const route = useRoute();

  useEffect(() => {
    if (loading) return;
    if (!me && route.path !== '/login') {
      const returnTo =
        route.path === '/' ? '/logs' : route.path + (route.search.size ? `?${route.search}` : '');
      navigate(`/login?return_to=${encodeURIComponent(returnTo)}`, { replace: true });
    } else if (me && (route.path === '/' || route.path === '/login')) {
      navigate(safeReturnTo(route.search.get('return_to') ?? '/logs'), { replace: true });
    }
  }, [me, loading, route.path, route.search]);

  if (loading) {
    return (
      <div className="center-fill full">
        <Spinner />
      </div>
    );
  }
  if (!me) return <SignIn returnTo={safeReturnTo(route.search.get('return_to') ?? '/logs')} />;

  let page;
  if (route.path.startsWith('/admin')) page = <AdminPage path={route.path} />;
  else if (route.path === '/logs') page = <Explorer />;
  else if (route.path === '/dashboards' || route.path.startsWith('/dashboards/'))
    page = <DashboardsPage path={route.path} />;
  else if (route.path === '/alerts' || route.path.startsWith('/alerts/'))
    page = <AlertsPage path={route.path} />;
  else if (route.path === '/usage') page = <UsagePage />;
  else if (route.path === '/reports') page = <ReportsPage />;
  else page = <NotFound />;

  return (
    <div className="shell">
      <SkipLink />
      <TopBar />
      {/* Focusable from script only: the skip link's target. */}
      <main className="main" id="main" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}

function TopBar() {
  const { me, org, setOrgId, signOut } = useSession();
  const route = useRoute();
  const t = useT();
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  const [menu, setMenu] = useState(false);
  const menuRef = usePopover(menu, () => setMenu(false));
  if (!me) return null;
  const isAdmin = me.user.platform_admin || me.orgs.some((o) => canAdminister(o.role));
  const dark = resolvedTheme(theme) === 'dark';
  const initials = (me.user.name ?? me.user.email)
    .split(/[\s@.]+/)
    .slice(0, 2)
    .map((s) => s[0]?.toUpperCase() ?? '')
    .join('');

  return (
    <header className="topbar">
      <Link href="/logs" className="topbar-brand" aria-label={t('app.home')}>
        <Logo />
      </Link>
      <nav className="topbar-nav">
        <Link href="/logs" className={route.path === '/logs' ? 'nav-link active' : 'nav-link'}>
          <SearchIcon />
          <span>{t('nav.logs')}</span>
        </Link>
        <Link
          href="/dashboards"
          className={route.path.startsWith('/dashboards') ? 'nav-link active' : 'nav-link'}
        >
          <DashboardIcon />
          <span>{t('nav.dashboards')}</span>
        </Link>
        <Link
          href="/alerts"
          className={route.path.startsWith('/alerts') ? 'nav-link active' : 'nav-link'}
        >
          <BellIcon />
          <span>{t('nav.alerts')}</span>
        </Link>
        {isAdmin && (
          <Link
            href="/usage"
            className={/^\/(usage|reports)$/.test(route.path) ? 'nav-link active' : 'nav-link'}
          >
            <UsageIcon />
            <span>{t('nav.usage')}</span>
          </Link>
        )}
        {isAdmin && (
          <Link
            href="/admin/apps"
            className={route.path.startsWith('/admin') ? 'nav-link active' : 'nav-link'}
          >
            <SettingsIcon />
            <span>{t('nav.settings')}</span>
          </Link>
        )}
      </nav>
      <div className="topbar-right">
        <NotificationBell />
        {me.orgs.length > 1 && (
          <select
            className="select org-select"
            aria-label={t('nav.organisation')}
            value={org?.id}
            onChange={(e) => setOrgId(e.target.value)}
          >
            {me.orgs.map((o) => (
              <option key={o.id} value={o.id} translate="no">
                {o.name}
              </option>
            ))}
          </select>
        )}
        {me.orgs.length === 1 && (
          <span className="org-name muted" translate="no">
            {org?.name}
          </span>
        )}
        <button
          className="icon-button"
          aria-label={dark ? t('theme.toLight') : t('theme.toDark')}
          title={dark ? t('theme.light') : t('theme.dark')}
          onClick={() => {
            const next = dark ? 'light' : 'dark';
            applyTheme(next);
            setTheme(next);
          }}
        >
          {dark ? <SunIcon /> : <MoonIcon />}
        </button>
        <div className="popover-anchor" ref={menuRef}>
          <button
            className="avatar"
            translate="no"
            // The initials are the visible text, so they are part of the name (WCAG 2.5.3).
            aria-label={`${t('account.menu')} ${initials}`}
            aria-expanded={menu}
            onClick={() => setMenu((m) => !m)}
          >
            {initials}
          </button>
          {menu && (
            // Not role=menu: it holds the language and time zone fields, which a menu may not.
            <div className="popover account-popover" role="dialog" aria-label={t('account.menu')}>
              <div className="account-head">
                <strong translate="no">{me.user.name ?? me.user.email}</strong>
                <span className="muted small" translate="no">
                  {me.user.email}
                </span>
                {org && <span className="role-pill">{roleName(t, org.role)}</span>}
                {me.user.platform_admin && (
                  <span className="role-pill">{t('account.platformAdmin')}</span>
                )}
              </div>
              <div className="menu-divider" />
              <AccountPreferences />
              <div className="menu-divider" />
              <a className="menu-item" href="/docs" target="_blank" rel="noreferrer">
                {t('account.apiReference')}
              </a>
              <button className="menu-item" onClick={() => void signOut()}>
                <LogOutIcon /> {t('account.signOut')}
              </button>
            </div>
          )}
        </div>
      </div>
    </header>
  );
}

/** The first Tab stop: straight past the top bar to the page (hidden until it has focus). */
function SkipLink() {
  const t = useT();
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(event) => {
        // The router would treat #main as navigation; move focus (and the view) to the page.
        event.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      {t('app.skipToContent')}
    </a>
  );
}

function NotFound() {
  const t = useT();
  return (
    <div className="page narrow">
      <h1>{t('notFound.title')}</h1>
      <p className="muted">
        <Link href="/logs">{t('notFound.back')}</Link>
      </p>
    </div>
  );
}
