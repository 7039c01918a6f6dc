import { useState, type CSSProperties } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { BrandLogo, useBranding } from '../app/branding';
import { useSession } from '../app/session';
import { ChatNavLink } from '../chat/ChatNavLink';
import { Brand, Button, avatarHue, initials } from '../ui/components';
import { SignOutIcon } from '../ui/icons';
import { administers } from './admin/roles';

/** Top bar of the signed-in app (and of the join page). */
export function AppHeader({ signInNext, wide = false }: { signInNext?: string; wide?: boolean } = {}) {
  const session = useSession();
  const { branding } = useBranding();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const user = session.session?.user;
  // Not waited for: the session is forgotten here and the page moves to sign-in even if the server
  // could not be told (that failure still reaches the console).
  const signOut = async () => {
    setBusy(true);
    try {
      await session.signOut();
    } finally {
      setBusy(false);
      navigate('/sign-in');
    }
  };
  return (
    <header className="app-header">
      <div className={`app-header-inner ${wide ? 'app-header-wide' : ''}`}>
        <div className="app-header-left">
          <Brand
            logo={
              branding?.logoUrl && (
                <BrandLogo
                  size={36}
                  name={session.session ? `${session.session.organisation.name}, home` : 'Home'}
                />
              )
            }
          />
          {session.session && <span className="org-name">{session.session.organisation.name}</span>}
          {user && (
            <nav className="app-nav" aria-label="Main">
              <NavLink to="/" end>
                Meetings
              </NavLink>
              <NavLink to="/directory">Directory</NavLink>
              <ChatNavLink />
              <NavLink to="/recordings">Recordings</NavLink>
              {administers(user.role) && <NavLink to="/admin">Administration</NavLink>}
            </nav>
          )}
        </div>
        {user ? (
          <div className="app-header-user">
            <span
              className="avatar avatar-sm"
              style={{ '--hue': avatarHue(user.id) } as CSSProperties}
              aria-hidden="true"
            >
              {initials(user.displayName)}
            </span>
            {/* The visible words are the name, so the link's name must contain them (WCAG 2.5.3). */}
            <Link to="/account" className="user-meta">
              <span className="sr-only">Your account: </span>
              <bdi className="user-name">{user.displayName}</bdi>
              <span className="user-email">{user.email}</span>
            </Link>
            <Button variant="ghost" size="sm" onClick={() => void signOut()} busy={busy}>
              <SignOutIcon size={16} />
              Sign out
            </Button>
          </div>
        ) : signInNext !== undefined && session.status === 'ready' && !session.setupNeeded ? (
          <Link to={`/sign-in?next=${encodeURIComponent(signInNext)}`} className="btn btn-ghost btn-sm">
            Sign in
          </Link>
        ) : null}
      </div>
    </header>
  );
}
