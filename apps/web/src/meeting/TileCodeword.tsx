import type { Codeword } from '@conclave/client';
import { AlertIcon, LockIcon } from '../ui/icons';

/**
 * The strip under a tile of an E2EE meeting: the participant's Codeword from the group's own
 * credentials, centred under the picture so that it sits right below the same words drawn into their
 * video. Without one the participant is not in the group: nobody can see or hear them, nor they anyone.
 */
export function TileCodeword({ codeword }: { codeword: Codeword | null }) {
  if (!codeword) {
    return (
      <div
        className="tile-codeword tile-codeword-missing"
        data-testid="tile-codeword"
        data-state="missing"
        title="Not in the encrypted group yet: cannot see or hear anyone, and cannot be seen or heard"
      >
        <AlertIcon size={13} />
        <span>No Codeword: waiting for keys</span>
      </div>
    );
  }
  return (
    <div className="tile-codeword" data-testid="tile-codeword" data-state="known">
      <LockIcon size={13} />
      <span className="sr-only">Codeword:</span>
      <span className="codeword-text" data-testid="codeword">
        {codeword.text}
      </span>
    </div>
  );
}
