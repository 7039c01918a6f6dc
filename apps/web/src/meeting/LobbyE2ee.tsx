import { codewordOfKey, deviceCodeword, type Codeword } from '@conclave/client';
import { useEffect, useState } from 'react';

type Derived = { status: 'working' } | { status: 'done'; codeword: Codeword } | { status: 'failed' };

/**
 * A Codeword worked out in the background (Argon2id: tens of ms, more the first time): of this
 * device when `identityKey` is null, else of that base64url identity key.
 */
function useCodeword(identityKey: string | null): Derived {
  const [derived, setDerived] = useState<Derived>({ status: 'working' });
  useEffect(() => {
    let cancelled = false;
    setDerived({ status: 'working' });
    (identityKey === null ? deviceCodeword() : codewordOfKey(identityKey)).then(
      (codeword) => !cancelled && setDerived({ status: 'done', codeword }),
      () => !cancelled && setDerived({ status: 'failed' }),
    );
    return () => {
      cancelled = true;
    };
  }, [identityKey]);
  return derived;
}

/** A Codeword as it is worked out: this device's (`identityKey` null) or that key's. */
export function CodewordValue({ identityKey, testId }: { identityKey: string | null; testId: string }) {
  const derived = useCodeword(identityKey);
  if (derived.status === 'working') return <span className="lobby-codeword-note">Working it out…</span>;
  if (derived.status === 'failed')
    return <span className="lobby-codeword-note">This browser could not work it out.</span>;
  return (
    <span className="codeword-text" data-testid={testId}>
      {derived.codeword.text}
    </span>
  );
}

/**
 * The join page of an E2EE meeting (E2EE-CODEWORD): this device's Codeword, which the others will
 * see under its tile and drawn into its video, and the meeting owner's, whose device lets people in.
 */
export function LobbyCodewords({ ownerIdentityKey }: { ownerIdentityKey: string | null }) {
  return (
    <section className="lobby-codewords" aria-labelledby="lobby-codewords-title">
      <h2 id="lobby-codewords-title" className="sr-only">
        Codewords
      </h2>
      <dl>
        <div>
          <dt>Your Codeword</dt>
          <dd>
            <CodewordValue identityKey={null} testId="own-codeword" />
          </dd>
        </div>
        <div>
          <dt>Meeting owner&apos;s Codeword</dt>
          <dd>
            {ownerIdentityKey === null ? (
              <span className="lobby-codeword-note" data-testid="owner-codeword-unknown">
                Not known yet: the owner has not joined
              </span>
            ) : (
              <CodewordValue identityKey={ownerIdentityKey} testId="owner-codeword" />
            )}
          </dd>
        </div>
      </dl>
      <p className="lobby-codewords-how">
        In the meeting, each person&apos;s Codeword shows under their video and is drawn into it. Compare them
        with the words people read out for themselves, and read yours out when asked; the owner&apos;s must be
        the one the owner has.
      </p>
    </section>
  );
}

/** Said instead of joining when this browser cannot encrypt: an E2EE meeting is never joined in clear. */
export const E2EE_UNSUPPORTED =
  'This meeting is end-to-end encrypted and this browser cannot encrypt calls, so it cannot join. Use a current version of Chrome or Edge.';
