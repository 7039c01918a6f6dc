import type { WaitingInfo } from '@conclave/protocol';
import { useId } from 'react';
import { Button } from '../ui/components';
import { CodewordValue } from './LobbyE2ee';
import { waitingKindLabel } from './moderation';

/**
 * Moderators' view of the lobby (MEET-LOBBY): who waits, signed in or as a guest, and under E2EE the
 * Codeword of the device that waits, to compare with what the person reads out before admitting them.
 * "Admit all" and "Reject all" act on exactly the people listed here, not on whoever arrives meanwhile.
 */
export function WaitingList({
  waiting,
  e2ee,
  onAdmit,
  onReject,
}: {
  waiting: readonly WaitingInfo[];
  e2ee: boolean;
  onAdmit: (ids: string[]) => void;
  onReject: (ids: string[]) => void;
}) {
  const titleId = useId();
  if (waiting.length === 0) return null;
  const ids = waiting.map((w) => w.id);
  return (
    <section className="panel-section" aria-labelledby={titleId} data-testid="waiting-list">
      <div className="panel-section-head">
        <h3 id={titleId}>Waiting to join</h3>
        <span className="panel-count">{waiting.length}</span>
      </div>
      <ul className="panel-list">
        {waiting.map((w) => (
          <li key={w.id} className="panel-person" data-testid="waiting-person" data-participant-id={w.id}>
            <div className="panel-person-line">
              <bdi className="panel-name">{w.displayName}</bdi>
              <span className="panel-mark">{waitingKindLabel(w.kind)}</span>
            </div>
            {e2ee && (
              <div className="panel-codeword">
                {w.identityKey !== undefined ? (
                  <CodewordValue identityKey={w.identityKey} testId="waiting-codeword" />
                ) : (
                  <span className="muted-dark">No Codeword: its device sent no identity</span>
                )}
              </div>
            )}
            <div className="panel-actions">
              <Button
                size="sm"
                variant="primary"
                aria-label={`Admit ${w.displayName}`}
                onClick={() => onAdmit([w.id])}
              >
                Admit
              </Button>
              <Button
                size="sm"
                variant="ghost-dark"
                aria-label={`Reject ${w.displayName}`}
                onClick={() => onReject([w.id])}
              >
                Reject
              </Button>
            </div>
          </li>
        ))}
      </ul>
      <div className="panel-actions">
        <Button size="sm" variant="primary" onClick={() => onAdmit(ids)}>
          Admit all
        </Button>
        <Button size="sm" variant="ghost-dark" onClick={() => onReject(ids)}>
          Reject all
        </Button>
      </div>
    </section>
  );
}
