import type { Codeword, E2eeState, Participant } from '@conclave/client';
import { useRef } from 'react';
import { Button } from '../ui/components';
import { useModalDialog } from '../ui/useModalDialog';
import { describeE2ee } from './e2eeStatus';

/** One line of the dialog's participant list. */
interface Row {
  key: string;
  participantId: string;
  name: string;
  tags: string[];
  codeword: Codeword | null;
}

/**
 * Everyone to compare: the meeting's participants as the server lists them, each with the Codeword
 * the group holds for them, then anyone the group holds whom the server does not list (a listener it
 * hides from the participant list would show up here, and in the security code).
 */
function rowsOf(participants: readonly Participant[], state: E2eeState | null, selfName: string): Row[] {
  const anchor = state?.anchorCodeword?.text;
  const tagsOf = (codeword: Codeword | null, extra: string[]) =>
    codeword && codeword.text === anchor ? [...extra, "owner's device"] : extra;
  const listed = participants.map((p, i): Row => {
    const self = i === 0;
    const codeword = (self ? state?.ownCodeword : state?.codewords.get(p.id)) ?? null;
    const extra = [...(self ? ['you'] : []), ...(p.id !== '' && p.kind === 'guest' ? ['guest'] : [])];
    return {
      key: p.id || 'self',
      participantId: p.id,
      name: p.displayName || (self ? selfName : ''),
      tags: tagsOf(codeword, extra),
      codeword,
    };
  });
  const known = new Set(participants.map((p) => p.id));
  const unlisted = [...(state?.codewords ?? [])]
    .filter(([id]) => !known.has(id))
    .map(([id, codeword]): Row => ({
      key: id,
      participantId: id,
      name: 'Not in the participant list',
      tags: tagsOf(codeword, []),
      codeword,
    }));
  return [...listed, ...unlisted];
}

/**
 * "Verify encryption": the security code everyone reads aloud, the epoch, what to compare, the
 * owner's Codeword and everyone's Codewords (E2EE-SECURITY-CODE, E2EE-CODEWORD). Reads the room's
 * state on every render, so it follows each new epoch while open.
 */
export function VerifyDialog({
  state,
  participants,
  selfName,
  open,
  onClose,
}: {
  state: E2eeState | null;
  /** This client first, as `room.participants` gives them. */
  participants: readonly Participant[];
  selfName: string;
  open: boolean;
  onClose: () => void;
}) {
  const title = useRef<HTMLHeadingElement>(null);
  // Focus goes to the top of the dialog, not its last button: a long list would scroll the code out of view.
  const { ref, close } = useModalDialog(open, onClose, title);

  const status = describeE2ee(state);
  const code = state?.securityCode ?? null;
  const rows = rowsOf(participants, state, selfName);
  return (
    <dialog
      ref={ref}
      className="dialog verify-dialog"
      aria-labelledby="verify-title"
      aria-describedby="verify-how"
      data-testid="verify-dialog"
      onClose={close}
      onClick={(e) => e.target === ref.current && close()}
    >
      <div className="dialog-body">
        <h2 id="verify-title" ref={title} tabIndex={-1}>
          Verify encryption
        </h2>
        <p className="verify-status" data-tone={status.tone}>
          <strong>{status.label}.</strong> {status.detail}
        </p>

        <section className="verify-code" aria-labelledby="verify-code-title">
          <h3 id="verify-code-title">Security code</h3>
          {code ? (
            <p className="security-code" data-testid="security-code" aria-live="polite">
              {code.groups.flatMap((group, i) => [...(i > 0 ? [' '] : []), <span key={i}>{group}</span>])}
            </p>
          ) : (
            <p className="muted-dark">None yet: this device is not in the encrypted group.</p>
          )}
          <p className="muted-dark">
            Key epoch <span data-testid="epoch">{state?.epoch ?? '–'}</span>: a new one, and a new code,
            whenever someone joins or leaves.
          </p>
        </section>

        <p id="verify-how" className="verify-how">
          One person reads the security code aloud and everyone checks it on their own screen: the same code
          means the same group and the same keys. Each person&apos;s Codeword must match the words drawn into
          their video and the words they read out for themselves. The meeting owner&apos;s Codeword is the one
          whose device lets people in: the owner checks that it is theirs.
        </p>

        <p className="verify-anchor">
          Meeting owner&apos;s Codeword:{' '}
          {state?.anchorCodeword ? (
            <span className="codeword-text" data-testid="owner-codeword">
              {state.anchorCodeword.text}
            </span>
          ) : (
            <span>not known yet</span>
          )}
        </p>

        <section aria-labelledby="verify-people-title">
          <h3 id="verify-people-title">Participants</h3>
          <ul className="verify-people" data-testid="verify-people">
            {rows.map((row) => (
              <li key={row.key} data-participant-id={row.participantId}>
                <span className="verify-person">
                  <bdi>{row.name}</bdi>
                  {row.tags.length > 0 && <span className="verify-tags"> ({row.tags.join(', ')})</span>}
                </span>
                {row.codeword ? (
                  <span className="codeword-text" data-testid="codeword">
                    {row.codeword.text}
                  </span>
                ) : (
                  <span className="verify-missing">No Codeword: waiting for keys</span>
                )}
              </li>
            ))}
          </ul>
        </section>

        <div className="dialog-actions">
          <Button variant="primary" onClick={close}>
            Done
          </Button>
        </div>
      </div>
    </dialog>
  );
}
