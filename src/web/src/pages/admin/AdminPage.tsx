// The admin console: apps and keys, members, audit log, and (platform admins) organisations.
import {
  BoxIcon,
  BuildingIcon,
  ShieldIcon,
  TrashIcon,
  UsersIcon,
} from '../../components/icons.tsx';
import { EmptyState } from '../../components/ui.tsx';
import { roleName, useT } from '../../i18n/I18nProvider.tsx';
import { Msg } from '../../i18n/Msg.tsx';
import { Link } from '../../lib/router.tsx';
import { canAdminister, useSession } from '../../lib/session.tsx';
import { AppDetail } from './AppDetail.tsx';
import { AppsList } from './AppsList.tsx';
import { AuditLog } from './AuditLog.tsx';
import { Channels } from './Channels.tsx';
import { OrgDeletionsPage } from './DataLifecycle.tsx';
import { BellIcon } from '../../components/NotificationBell.tsx';
import { Members } from './Members.tsx';
import { Orgs } from './Orgs.tsx';
import { RedactionRules } from './RedactionRules.tsx';

export function AdminPage({ path }: { path: string }) {
  const { me, org } = useSession();
  const t = useT();
  if (!me) return null;
  const platformAdmin = me.user.platform_admin;
  const orgAdmin = canAdminister(org?.role);
  if (!orgAdmin && !platformAdmin) {
    return (
      <div className="page narrow">
        <EmptyState title={t('admin.adminsOnly')} icon={<ShieldIcon />}>
          <p className="muted">
            <Msg
              id="admin.adminsOnlyBody"
              values={{
                org: org ? <span translate="no">{org.name}</span> : t('admin.thisOrg'),
                role: org ? roleName(t, org.role) : t('admin.roleNone'),
              }}
            />
          </p>
          <Link className="button" href="/logs">
            {t('admin.backToLogs')}
          </Link>
        </EmptyState>
      </div>
    );
  }
  const parts = path.split('/').filter(Boolean);
  const section = parts[1] ?? 'apps';
  const items = [
    { id: 'apps', label: t('admin.nav.apps'), icon: <BoxIcon />, show: orgAdmin },
    { id: 'members', label: t('admin.nav.members'), icon: <UsersIcon />, show: orgAdmin },
    { id: 'channels', label: t('admin.nav.channels'), icon: <BellIcon />, show: orgAdmin },
    { id: 'deletions', label: t('admin.nav.deletions'), icon: <TrashIcon />, show: orgAdmin },
    { id: 'redaction', label: t('admin.nav.redaction'), icon: <ShieldIcon />, show: orgAdmin },
    {
      id: 'audit',
      label: t('admin.nav.audit'),
      icon: <ShieldIcon />,
      show: orgAdmin || platformAdmin,
    },
    { id: 'orgs', label: t('admin.nav.orgs'), icon: <BuildingIcon />, show: platformAdmin },
  ].filter((i) => i.show);

  let content;
  if (!org && section !== 'orgs') content = <Orgs />;
  else if (section === 'apps' && parts[2] && org)
    content = <AppDetail org={org} appRef={decodeURIComponent(parts[2])} />;
  else if (section === 'apps' && org && orgAdmin) content = <AppsList org={org} />;
  else if (section === 'members' && org && orgAdmin) content = <Members org={org} />;
  else if (section === 'channels' && org && orgAdmin) content = <Channels org={org} />;
  else if (section === 'deletions' && org && orgAdmin) content = <OrgDeletionsPage org={org} />;
  else if (section === 'redaction' && org && orgAdmin) content = <RedactionRules org={org} />;
  else if (section === 'audit') content = <AuditLog org={org} />;
  else if (section === 'orgs' && platformAdmin) content = <Orgs />;
  else content = <Orgs />;

  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('nav.settings')}>
        <div className="admin-nav-title muted small">
          {org ? <span translate="no">{org.name}</span> : t('admin.platform')}
        </div>
        {items.map((item) => (
          <Link
            key={item.id}
            href={`/admin/${item.id}`}
            className={section === item.id ? 'admin-link active' : 'admin-link'}
          >
            {item.icon}
            <span>{item.label}</span>
          </Link>
        ))}
      </nav>
      <div className="admin-content">{content}</div>
    </div>
  );
}
