import type { CaptureState, Room } from '@conclave/client';
import type { MeetingPublicView } from '@conclave/protocol';
import { useEffect, useState, type ReactNode } from 'react';
import { BroadcastIcon, RecordIcon, StopIcon } from '../ui/icons';

/** "This meeting is being recorded by Bob" (REC-NOTICE), for the join page, the lobby and the stage. */
const recordingNotice = (by: string) => `This meeting is being recorded by ${by}`;
const streamingNotice = (by: string) => `This meeting is being streamed live by ${by}`;

/**
 * Before joining (the join page, the lobby's wait): that the meeting is being recorded or streamed and
 * by whom, as the meeting's public view says, so that a person decides before they are in it.
 */
export function CaptureNotice({ meeting }: { meeting: Pick<MeetingPublicView, 'recording' | 'streaming'> }) {
  const notices = [
    meeting.recording && recordingNotice(meeting.recording.by),
    meeting.streaming && streamingNotice(meeting.streaming.by),
  ].filter((n): n is string => typeof n === 'string' && n !== '');
  if (notices.length === 0) return null;
  return (
    <div className="capture-notice" data-testid="capture-notice">
      <RecordIcon size={18} />
      <span>{notices.map((n) => `${n}.`).join(' ')}</span>
    </div>
  );
}

/**
 * The stage's top-bar marks while the meeting is recorded ("Recording", red) or streamed ("Live"),
 * saying by whom in words (never by colour alone).
 */
export function CaptureMarks({ room }: { room: Room }) {
  const { recording, streaming } = room;
  return (
    <>
      {recording && <Mark kind="recording" label="Recording" state={recording} />}
      {streaming && <Mark kind="stream" label="Live" state={streaming} />}
      {streaming && room.meeting && (
        // Where viewers watch it (STREAM-LIVE), to hand on; the server decides who may.
        <a className="capture-watch" href={`/live/${room.meeting.id}`} target="_blank" rel="noreferrer">
          Watch link
        </a>
      )}
    </>
  );
}

function Mark({ kind, label, state }: { kind: 'recording' | 'stream'; label: string; state: CaptureState }) {
  const notice = kind === 'recording' ? recordingNotice(state.by) : streamingNotice(state.by);
  return (
    <span className="capture-mark" data-testid={`${kind}-mark`} title={notice}>
      <span className="capture-dot" aria-hidden="true" />
      <span>{label}</span>
      <span className="sr-only">: {notice}</span>
    </span>
  );
}

/**
 * Says aloud when the meeting starts or stops being recorded or streamed, and by whom (the stage's
 * polite live region); not for what was already so on joining, which the marks show.
 */
export function useCaptureCues(room: Room, announce: (text: string) => void): void {
  useEffect(() => {
    const offRecording = room.on('recordingChanged', (state, reason) =>
      announce(
        state
          ? `${recordingNotice(state.by)}`
          : reason === 'failed'
            ? 'The recording stopped: it failed'
            : 'The recording stopped',
      ),
    );
    const offStream = room.on('streamChanged', (state, reason) =>
      announce(
        state
          ? `${streamingNotice(state.by)}`
          : reason === 'failed'
            ? 'The live stream stopped: it failed'
            : 'The live stream stopped',
      ),
    );
    return () => {
      offRecording();
      offStream();
    };
  }, [room, announce]);
}

/**
 * Record and Go live in the control bar, for those allowed (REC-START, STREAM-LIVE): never shown
 * under E2EE, when the organisation has it off, or to whom may not (the server says so after joining).
 */
export function CaptureButtons({ room, onError }: { room: Room; onError: (message: string) => void }) {
  return (
    <>
      {room.canRecord && (
        <CaptureButton
          running={room.recording !== null}
          startLabel="Start recording"
          stopLabel="Stop recording"
          icon={<RecordIcon size={22} />}
          start={() => room.startRecording()}
          stop={() => room.stopRecording()}
          onError={onError}
        />
      )}
      {room.canStream && (
        <CaptureButton
          running={room.streaming !== null}
          startLabel="Go live"
          stopLabel="Stop live stream"
          icon={<BroadcastIcon size={22} />}
          start={() => room.startStream()}
          stop={() => room.stopStream()}
          onError={onError}
        />
      )}
    </>
  );
}

function CaptureButton({
  running,
  startLabel,
  stopLabel,
  icon,
  start,
  stop,
  onError,
}: {
  running: boolean;
  startLabel: string;
  stopLabel: string;
  icon: ReactNode;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  onError: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const label = running ? stopLabel : startLabel;
  const onClick = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await (running ? stop() : start());
    } catch (err) {
      onError(err instanceof Error ? err.message : 'That did not work');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      className={`control ${running ? 'control-recording' : ''}`}
      aria-label={label}
      title={label}
      aria-disabled={busy || undefined}
      onClick={() => void onClick()}
    >
      {running ? <StopIcon size={22} /> : icon}
    </button>
  );
}
