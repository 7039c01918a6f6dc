import { MeetingRoute } from '../meeting/MeetingRoute';
import { HomePage } from '../pages/HomePage';
import { SetupPage } from '../pages/SetupPage';
import { SignInPage, safeNext } from '../pages/SignInPage';
import { Button, Spinner } from '../ui/components';
import { LogoMark } from '../ui/icons';
import { Link, Redirect, matchPath, useLocation } from './router';
import { useSession } from './session';

export function App() {
  const session = useSession();
  const { pathname, search } = useLocation();

  if (session.status === 'loading') {
    return (
      <div className="center-page">
        <Spinner size={28} label="Loading" />
      </div>
    );
  }
  if (session.status === 'unreachable') {
    return (
      <div className="message-page">
        <main className="message-card">
          <LogoMark size={44} />
          <h1>Cannot reach Conclave</h1>
          <p className="muted">The server did not answer. Check your connection, then try again.</p>
          <div className="message-actions">
            <Button variant="primary" onClick={session.reload}>
              Try again
            </Button>
          </div>
        </main>
      </div>
    );
  }

  const meeting = matchPath('/m/:id', pathname);
  if (meeting?.id) return <MeetingRoute key={meeting.id} meetingId={meeting.id} />;

  if (session.setupNeeded) return pathname === '/setup' ? <SetupPage /> : <Redirect to="/setup" />;

  switch (pathname) {
    case '/setup':
      return <Redirect to="/" />;
    case '/sign-in':
      return session.session ? <Redirect to={safeNext(search.get('next'))} /> : <SignInPage />;
    case '/':
      return session.session ? <HomePage /> : <Redirect to="/sign-in" />;
    default:
      return (
        <div className="message-page">
          <main className="message-card">
            <LogoMark size={44} />
            <h1>Page not found</h1>
            <p className="muted">There is nothing at this address.</p>
            <div className="message-actions">
              <Link href="/" className="btn btn-primary btn-md">
                Go to home screen
              </Link>
            </div>
          </main>
        </div>
      );
  }
}
