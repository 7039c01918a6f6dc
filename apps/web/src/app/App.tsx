import { MeetingRoute } from '../meeting/MeetingRoute';
import { HomePage } from '../pages/HomePage';
import { SetupPage } from '../pages/SetupPage';
import { SignInPage, safeNext } from '../pages/SignInPage';
import { Button, Spinner } from '../ui/components';
import { MessagePage } from '../ui/MessagePage';
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
      <MessagePage
        title="Cannot reach Conclave"
        message="The server did not answer. Check your connection, then try again."
        action={
          <Button variant="primary" onClick={session.reload}>
            Try again
          </Button>
        }
      />
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
        <MessagePage
          title="Page not found"
          message="There is nothing at this address."
          action={
            <Link href="/" className="btn btn-primary btn-md">
              Go to home screen
            </Link>
          }
        />
      );
  }
}
