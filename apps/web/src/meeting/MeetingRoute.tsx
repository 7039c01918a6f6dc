import { useEffect } from 'react';
import { useSession } from '../app/session';
import { AppHeader } from '../pages/AppHeader';
import { Spinner } from '../ui/components';
import { LobbyWithPreview } from './LobbyWithPreview';
import { MeetingLoadFailedPage, MeetingMissingPage, MeetingOverPage } from './MeetingMessages';
import { MeetingStage } from './MeetingStage';
import { useJoinFlow } from './useJoinFlow';
import { useMeetingInfo } from './useMeetingInfo';

/** `/m/:id`: the join page, then the meeting, then the "you left" screen. */
export function MeetingRoute({ meetingId }: { meetingId: string }) {
  const session = useSession();
  const userName = session.session?.user.displayName ?? null;
  const { info, retry } = useMeetingInfo(meetingId);
  const { phase, join, leave, rejoin } = useJoinFlow(meetingId, userName);

  // Signed out elsewhere: the rest of the app must stop acting signed in too.
  const { expired } = session;
  const sessionEnded = phase.kind === 'ended' && phase.reason === 'session_ended';
  useEffect(() => {
    if (sessionEnded) expired();
  }, [sessionEnded, expired]);

  if (info.status === 'loading') {
    return (
      <div className="center-page">
        <Spinner size={28} label="Loading meeting" />
      </div>
    );
  }
  if (info.status === 'missing') return <MeetingMissingPage />;
  if (info.status === 'failed') return <MeetingLoadFailedPage message={info.message} onRetry={retry} />;

  const meeting = info.meeting;
  switch (phase.kind) {
    case 'meeting':
      return (
        <MeetingStage
          room={phase.room}
          meetingName={meeting.name}
          joinUrl={`${window.location.origin}/m/${meeting.id}`}
          selfName={phase.selfName}
          joining={phase.joining}
          onLeave={leave}
        />
      );
    case 'left':
    case 'ended':
      return (
        <MeetingOverPage
          meetingId={meetingId}
          meetingName={meeting.name}
          ended={phase.kind === 'ended' ? phase : undefined}
          signedIn={session.session !== null}
          onRejoin={rejoin}
        />
      );
    case 'lobby':
      return (
        <div className="join-page">
          <AppHeader signInNext={`/m/${meetingId}`} wide />
          <LobbyWithPreview
            meeting={meeting}
            userName={userName}
            error={phase.error}
            busy={phase.joining !== null}
            onJoin={(choice, prepared) => join(choice, 'lobby', prepared)}
          />
        </div>
      );
  }
}
