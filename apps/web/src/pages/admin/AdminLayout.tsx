import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { useSession } from '../../app/session';
import { HomeLink, MessagePage } from '../../ui/MessagePage';
import { AppLayout } from '../AppLayout';
import { administers } from './roles';

/**
 * The organisation's administration (ADM): its people, meetings, settings, usage reports, audit log and API
 * keys, a page each under /admin. Only Superusers and Administrators get in; the server refuses everyone else
 * anyway.
 */
export function AdminLayout() {
  const session = useSession();
  const { pathname } = useLocation();
  const user = session.session?.user;
  if (!user) return <Navigate to={`/sign-in?next=${encodeURIComponent(pathname)}`} replace />;
  if (!administers(user.role)) {
    return (
      <MessagePage
        title="Administration"
        message="Only Superusers and Administrators can open the administration."
        action={<HomeLink />}
      />
    );
  }
  return (
    <AppLayout
      title="Administration"
      intro="The people, meetings, room systems, settings, webhooks, usage, audit log and API keys of your organisation."
    >
      <nav className="admin-tabs" aria-label="Administration">
        <NavLink to="/admin/people">People</NavLink>
        <NavLink to="/admin/meetings">Meetings</NavLink>
        <NavLink to="/admin/room-systems">Room systems</NavLink>
        <NavLink to="/admin/settings">Settings</NavLink>
        <NavLink to="/admin/webhooks">Webhooks</NavLink>
        <NavLink to="/admin/reports">Reports</NavLink>
        <NavLink to="/admin/audit">Audit log</NavLink>
        <NavLink to="/admin/api-keys">API keys</NavLink>
      </nav>
      <Outlet />
    </AppLayout>
  );
}
