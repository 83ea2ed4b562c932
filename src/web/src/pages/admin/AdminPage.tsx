// The admin console: apps and keys, members, audit log, and (platform admins) organisations.
import {
  BoxIcon,
  BuildingIcon,
  ShieldIcon,
  TrashIcon,
  UsersIcon,
} from '../../components/icons.tsx';
import { EmptyState } from '../../components/ui.tsx';
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
  if (!me) return null;
  const platformAdmin = me.user.platform_admin;
  const orgAdmin = canAdminister(org?.role);
  if (!orgAdmin && !platformAdmin) {
    return (
      <div className="page narrow">
        <EmptyState title="Admins only" icon={<ShieldIcon />}>
          <p className="muted">
            Your role in {org?.name ?? 'this organisation'} is{' '}
            <strong>{org?.role ?? 'none'}</strong>. Ask an owner or admin to change apps, keys or
            members.
          </p>
          <Link className="button" href="/logs">
            Back to logs
          </Link>
        </EmptyState>
      </div>
    );
  }
  const parts = path.split('/').filter(Boolean);
  const section = parts[1] ?? 'apps';
  const items = [
    { id: 'apps', label: 'Apps & keys', icon: <BoxIcon />, show: orgAdmin },
    { id: 'members', label: 'Members', icon: <UsersIcon />, show: orgAdmin },
    { id: 'channels', label: 'Notification channels', icon: <BellIcon />, show: orgAdmin },
    { id: 'deletions', label: 'Data deletion', icon: <TrashIcon />, show: orgAdmin },
    { id: 'redaction', label: 'Redaction', icon: <ShieldIcon />, show: orgAdmin },
    { id: 'audit', label: 'Audit log', icon: <ShieldIcon />, show: orgAdmin || platformAdmin },
    { id: 'orgs', label: 'Organisations', icon: <BuildingIcon />, show: platformAdmin },
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
      <nav className="admin-nav" aria-label="Settings">
        <div className="admin-nav-title muted small">{org?.name ?? 'Platform'}</div>
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
