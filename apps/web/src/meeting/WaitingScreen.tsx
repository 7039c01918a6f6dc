import { Button, Spinner } from '../ui/components';
import { BrandLogo } from '../app/branding';
import type { MeetingPublicView } from '@conclave/protocol';
import { CaptureNotice } from './Capture';
import { CodewordValue } from './LobbyE2ee';

/**
 * Shown while the meeting's lobby holds the join (MEET-LOBBY), until a moderator lets the person in
 * or turns them away. Under E2EE it shows the person's own Codeword, which the moderator sees next to
 * their name and compares before admitting them.
 */
export function WaitingScreen({
  meetingName,
  e2ee,
  capture,
  onLeave,
}: {
  meetingName: string;
  e2ee: boolean;
  /** Whether it is recorded or streamed, as the join page read it (REC-NOTICE). */
  capture: Pick<MeetingPublicView, 'recording' | 'streaming'>;
  onLeave: () => void;
}) {
  return (
    <div className="message-page">
      <main className="message-card waiting-card" aria-labelledby="waiting-title">
        <BrandLogo size={44} />
        <h1 id="waiting-title">Waiting to be let in</h1>
        <p className="muted waiting-status" role="status">
          <Spinner size={16} />
          <span>
            Waiting for a moderator to let you into <bdi>{meetingName}</bdi>…
          </span>
        </p>
        <CaptureNotice meeting={capture} />
        {e2ee && (
          <div className="waiting-codeword">
            <span className="muted">Your Codeword</span>
            <CodewordValue identityKey={null} testId="own-codeword" />
            <p className="muted waiting-codeword-how">
              The moderator sees it next to your name: read it out if they ask.
            </p>
          </div>
        )}
        <div className="message-actions">
          <Button variant="secondary" onClick={onLeave}>
            Leave
          </Button>
        </div>
      </main>
    </div>
  );
}
