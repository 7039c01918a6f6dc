import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useParams, useSearchParams } from 'react-router';
import { CallProvider } from '../calls/CallProvider';
import { ChatPage } from '../chat/ChatPage';
import { ChatProvider } from '../chat/ChatProvider';
import { LivePage } from '../live/LivePage';
import { MeetingRoute } from '../meeting/MeetingRoute';
import { AccountPage } from '../pages/account/AccountPage';
import { SecondFactorSetupPage } from '../pages/account/SecondFactorSetupPage';
import { AdminLayout } from '../pages/admin/AdminLayout';
import { ApiKeysPage } from '../pages/admin/ApiKeysPage';
import { ApiReferencePage } from '../pages/ApiReferencePage';
import { AuditPage } from '../pages/admin/AuditPage';
import { MeetingsPage } from '../pages/admin/MeetingsPage';
import { PeoplePage } from '../pages/admin/PeoplePage';
import { ReportsPage } from '../pages/admin/ReportsPage';
import { RoomSystemsPage } from '../pages/admin/RoomSystemsPage';
import { RoomPage } from '../room/RoomPage';
import { SettingsPage } from '../pages/admin/SettingsPage';
import { WebhooksPage } from '../pages/admin/WebhooksPage';
import { DirectoryPage } from '../pages/DirectoryPage';
import { HomePage } from '../pages/HomePage';
import { ForgotPasswordPage, ResetPasswordPage } from '../pages/PasswordResetPages';
import { InvitePage } from '../pages/InvitePage';
import { NetworkPage } from '../pages/NetworkPage';
import { SetupPage } from '../pages/SetupPage';
import { SignInPage, safeNext } from '../pages/SignInPage';
import { RecordingLinkPage } from '../recordings/RecordingLinkPage';
import { RecordingsPage } from '../recordings/RecordingsPage';
import { Button, Spinner } from '../ui/components';
import { HomeLink, MessagePage } from '../ui/MessagePage';
import { NotificationsProvider } from './NotificationsProvider';
import { useSession } from './session';

export function App() {
  const session = useSession();

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

  // Until the first run is set up there is nothing but the setup page (and meeting links, which say so).
  const afterSetup = (page: ReactNode) => (session.setupNeeded ? <Navigate to="/setup" replace /> : page);
  const signedIn = session.session !== null;
  // The organisation requires a second factor this person has not set up: nothing else until they do.
  if (session.session?.secondFactorSetupRequired) return <SecondFactorSetupPage />;
  const routes = (
    <Routes>
      <Route path="/m/:id" element={<MeetingPage />} />
      {/* A meeting room's shared screen (ADM-ROOMS): no personal account, its own room cookie. */}
      <Route path="/room" element={<RoomPage />} />
      <Route path="/setup" element={session.setupNeeded ? <SetupPage /> : <Navigate to="/" replace />} />
      <Route path="/sign-in" element={afterSetup(signedIn ? <AfterSignIn /> : <SignInPage />)} />
      <Route path="/forgot-password" element={afterSetup(<ForgotPasswordPage />)} />
      <Route path="/reset-password" element={afterSetup(<ResetPasswordPage />)} />
      <Route path="/invite" element={afterSetup(<InvitePage />)} />
      {/* For whoever opens the firewall, signed in or not (NET-FQDN). */}
      <Route path="/network" element={<NetworkPage />} />
      {/* A recording shared by link, for anyone holding it, signed in or not (REC-ACCESS). */}
      <Route path="/r/:id" element={<RecordingLinkPage />} />
      {/* A meeting's live stream, for its viewers (STREAM-LIVE); the server checks each request. */}
      <Route path="/live/:meetingId" element={<LivePage />} />
      <Route path="/" element={afterSetup(signedIn ? <HomePage /> : <Navigate to="/sign-in" replace />)} />
      <Route
        path="/directory"
        element={afterSetup(
          signedIn ? <DirectoryPage /> : <Navigate to="/sign-in?next=/directory" replace />,
        )}
      />
      {['/chat', '/chat/:conversationId'].map((path) => (
        <Route key={path} path={path} element={afterSetup(signedIn ? <ChatPage /> : <SignInFirst />)} />
      ))}
      {['/recordings', '/recordings/:recordingId'].map((path) => (
        <Route key={path} path={path} element={afterSetup(signedIn ? <RecordingsPage /> : <SignInFirst />)} />
      ))}
      <Route
        path="/account"
        element={afterSetup(signedIn ? <AccountPage /> : <Navigate to="/sign-in?next=/account" replace />)}
      />
      <Route path="/admin" element={afterSetup(<AdminLayout />)}>
        <Route index element={<Navigate to="people" replace />} />
        <Route path="people" element={<PeoplePage />} />
        <Route path="meetings" element={<MeetingsPage />} />
        <Route path="room-systems" element={<RoomSystemsPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="webhooks" element={<WebhooksPage />} />
        <Route path="reports" element={<ReportsPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="api-keys" element={<ApiKeysPage />} />
      </Route>
      <Route path="/api-reference" element={afterSetup(signedIn ? <ApiReferencePage /> : <SignInFirst />)} />
      <Route path="*" element={afterSetup(<NotFoundPage />)} />
    </Routes>
  );
  // Signed in, the person can be called on every page (MEET-CALL), and hears of chat messages
  // (CHAT-DIRECT), both through one notification socket.
  // Always there, so that signing out (e.g. on a meeting page) does not remount the page.
  const user = session.session?.user.id ?? null;
  const chatPerson = session.session && {
    userId: session.session.user.id,
    csrfToken: session.session.csrfToken,
  };
  return (
    <NotificationsProvider userId={user}>
      <ChatProvider person={chatPerson}>
        <CallProvider userId={user}>{routes}</CallProvider>
      </ChatProvider>
    </NotificationsProvider>
  );
}

/** A signed-out visit goes to sign-in, and back here after it. */
function SignInFirst() {
  const { pathname } = useLocation();
  return <Navigate to={`/sign-in?next=${encodeURIComponent(pathname)}`} replace />;
}

/** One meeting per id: a new id is a fresh join flow. */
function MeetingPage() {
  const { id = '' } = useParams();
  return <MeetingRoute key={id} meetingId={id} />;
}

/** A signed-in visit to the sign-in page goes where it would have gone after signing in. */
function AfterSignIn() {
  const [search] = useSearchParams();
  return <Navigate to={safeNext(search.get('next'))} replace />;
}

function NotFoundPage() {
  return (
    <MessagePage title="Page not found" message="There is nothing at this address." action={<HomeLink />} />
  );
}
