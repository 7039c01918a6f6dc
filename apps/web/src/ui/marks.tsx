import type { MeetingView } from '@conclave/protocol';
import { E2eeBadge } from './e2ee';

/** Marks an entry left out of the directory, wherever someone who may show it again sees it. */
export function HiddenMark() {
  return (
    <span className="ext" title="Hidden from the directory">
      Hidden
    </span>
  );
}

/** What a meeting is like, in the same small marks on the meeting list and in the directory. */
export function MeetingMarks({
  meeting,
}: {
  /** `lobby`: known on the owner's meeting list, not in the directory. */
  meeting: Pick<MeetingView, 'e2ee' | 'hasPasscode' | 'oneTime' | 'hidden' | 'extension'> &
    Partial<Pick<MeetingView, 'lobby'>>;
}) {
  return (
    <>
      {meeting.e2ee && <E2eeBadge />}
      {meeting.hasPasscode && <span className="ext">Passcode</span>}
      {meeting.oneTime && <span className="ext">One-time</span>}
      {meeting.lobby !== undefined && meeting.lobby !== 'off' && (
        <span
          className="ext"
          title={meeting.lobby === 'guests' ? 'Guests wait to be let in' : 'Everyone but moderators waits'}
        >
          Lobby
        </span>
      )}
      {meeting.hidden && <HiddenMark />}
      <span className="ext" title="Extension">
        Ext. {meeting.extension}
      </span>
    </>
  );
}
