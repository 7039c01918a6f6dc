import type { AccountView } from '@conclave/protocol';
import { useCallback, useEffect, useState } from 'react';
import { getAccount } from '../../api/endpoints';
import { useApiErrorText, useSession } from '../../app/session';
import { Alert, Spinner } from '../../ui/components';
import { AppHeader } from '../AppHeader';
import { PasskeysCard } from './PasskeysCard';
import { TwoStepCard } from './TwoStepCard';

/**
 * What a person sees, wherever they go, while their organisation requires a second factor they do not
 * have yet (IAM-LOCAL): setting one up. The server allows this session nothing else meanwhile.
 */
export function SecondFactorSetupPage() {
  const session = useSession();
  const handle = useApiErrorText();
  const [account, setAccount] = useState<AccountView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    // Never fails: a refusal is shown instead.
    void getAccount().then(setAccount, (err: unknown) => setError(handle(err)));
  }, [handle]);
  useEffect(load, [load]);

  // Once a factor is on, the session may do everything: read it again (the card still shows the
  // recovery codes until they are saved, so this waits for that).
  const done = account !== null && (account.secondFactors.totp || account.secondFactors.passkeys.length > 0);
  return (
    <div className="app-shell">
      <AppHeader />
      <main className="home">
        <section className="home-hero">
          <div>
            <h1>Set up two-step verification</h1>
            <p className="muted">
              {session.session?.organisation.name} asks everyone in your role to confirm their sign-in with a
              passkey or a code from an app on their phone. Set one up to continue.
            </p>
          </div>
        </section>
        <div className="account-cards">
          {error && <Alert>{error}</Alert>}
          {!account && !error && <Spinner size={24} label="Loading" />}
          {account && (
            <>
              {/* Adding a passkey is enough on its own, so its card goes on when it is done. */}
              <PasskeysCard account={account} onChanged={load} onFinished={session.reload} />
              <TwoStepCard
                account={account}
                onChanged={load}
                onFinished={done ? session.reload : undefined}
              />
            </>
          )}
        </div>
      </main>
    </div>
  );
}
