import type { Room } from '@conclave/client';
import { Activity, useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { useSession } from '../app/session';
import { AppHeader } from '../pages/AppHeader';
import { Spinner } from '../ui/components';
import { LobbyWithPreview } from './LobbyWithPreview';
import {
  MeetingLoadFailedPage,
  MeetingMissingPage,
  MeetingOverPage,
  OneTimeMeetingEndedPage,
} from './MeetingMessages';
import { MeetingStage } from './MeetingStage';
import { useJoinFlow } from './useJoinFlow';
import { useMeetingInfo } from './useMeetingInfo';
import { WaitingScreen } from './WaitingScreen';

/** `/m/:id`: the join page, then the meeting, then the "you left" screen. */
export function MeetingRoute({ meetingId }: { meetingId: string }) {
  const session = useSession();
  const userName = session.session?.user.displayName ?? null;
  const { info, retry } = useMeetingInfo(meetingId);
  const e2ee = info.status === 'ready' && info.meeting.e2ee;
  const { phase, join, leave, stopWaiting, rejoin } = useJoinFlow(meetingId, userName, e2ee);
  const [previewRoom, setPreviewRoom] = useState<Room | null>(null);
  // An accepted call comes here to join at once (see calls/CallProvider.tsx).
  const autoJoin = (useLocation().state as { autoJoin?: boolean } | null)?.autoJoin === true;

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
  if (info.status === 'ended') return <OneTimeMeetingEndedPage />;
  if (info.status === 'failed') return <MeetingLoadFailedPage message={info.message} onRetry={retry} />;

  const meeting = info.meeting;
  // The stage is rendered before joining, hidden, with the room the lobby made ahead: mounting it is
  // the page's biggest piece of work, and done here it no longer competes with the join itself.
  // Shown, it is the same instance, so entering the meeting only adds the others' tiles.
  const stageRoom =
    phase.kind === 'meeting' || phase.kind === 'waiting'
      ? phase.room
      : phase.kind === 'lobby'
        ? (phase.joining ?? previewRoom)
        : null;
  const inMeeting = phase.kind === 'meeting';
  return (
    <>
      {phase.kind === 'lobby' && (
        <div className="join-page">
          <AppHeader signInNext={`/m/${meetingId}`} wide />
          <LobbyWithPreview
            meeting={meeting}
            userName={userName}
            error={phase.error}
            busy={phase.joining !== null}
            onJoin={(choice, prepared) => join(choice, 'lobby', prepared)}
            onPrepared={setPreviewRoom}
            autoJoin={autoJoin}
          />
        </div>
      )}
      {phase.kind === 'waiting' && (
        <WaitingScreen
          meetingName={meeting.name}
          e2ee={meeting.e2ee}
          capture={meeting}
          onLeave={stopWaiting}
        />
      )}
      {(phase.kind === 'left' || phase.kind === 'ended') && (
        <MeetingOverPage
          meetingId={meetingId}
          meetingName={meeting.name}
          ended={phase.kind === 'ended' ? phase : undefined}
          signedIn={session.session !== null}
          onRejoin={rejoin}
        />
      )}
      {stageRoom && (
        <Activity mode={inMeeting ? 'visible' : 'hidden'}>
          <MeetingStage
            room={stageRoom}
            meetingName={meeting.name}
            joinUrl={`${window.location.origin}/m/${meeting.id}`}
            selfName={inMeeting ? phase.selfName : (userName ?? '')}
            joining={inMeeting ? phase.joining : true}
            e2ee={meeting.e2ee}
            defaultLayout={meeting.defaultLayout}
            onLeave={leave}
          />
        </Activity>
      )}
    </>
  );
}
