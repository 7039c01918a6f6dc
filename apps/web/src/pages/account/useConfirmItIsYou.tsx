import type { AccountView, Confirmation } from '@conclave/protocol';
import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useState, type ReactNode } from 'react';
import { answerWithAPasskey } from '../../api/passkeys';
import { Button, TextField } from '../../ui/components';

/**
 * "Confirm it is you" for the account page's forms that guard the account (new password, removing a
 * factor, new recovery codes, a passkey added or removed): the current password, or, when the account
 * has a passkey and this browser can use one, "Confirm with a passkey instead". `field` goes where the
 * password field was; `proof()` is what the request sends (it asks the device then); `reset()` after.
 * `error` is the refusal the form shows for `currentPassword`.
 */
export function useConfirmItIsYou(
  account: AccountView,
  error: string | undefined,
): { field: ReactNode; proof: () => Promise<Confirmation>; reset: () => void } {
  const [password, setPassword] = useState('');
  const [withPasskey, setWithPasskey] = useState(false);
  const offered = account.secondFactors.passkeys.length > 0 && browserSupportsWebAuthn();

  const field = withPasskey ? (
    <div className="stack">
      <p className="muted admin-note">One of your passkeys confirms it is you; your browser asks for it.</p>
      <Button variant="ghost" onClick={() => setWithPasskey(false)}>
        Use your password instead
      </Button>
    </div>
  ) : (
    <div className="stack">
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={error}
      />
      {offered && (
        <Button variant="ghost" onClick={() => setWithPasskey(true)}>
          Confirm with a passkey instead
        </Button>
      )}
    </div>
  );
  return {
    field,
    proof: async () =>
      withPasskey ? { passkey: await answerWithAPasskey() } : { currentPassword: password },
    reset: () => {
      setPassword('');
      setWithPasskey(false);
    },
  };
}
