import type { AccountView } from '@conclave/protocol';
import { useCallback, useEffect, useState } from 'react';
import { getAccount } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { Alert, Spinner } from '../../ui/components';
import { CalendarFeedCard } from '../../calendar/CalendarFeedCard';
import { AppLayout } from '../AppLayout';
import { PasskeysCard } from './PasskeysCard';
import { PasswordCard } from './PasswordCard';
import { ProfileCard } from './ProfileCard';
import { SessionsCard } from './SessionsCard';
import { TwoStepCard } from './TwoStepCard';
import { YourDataCard } from './YourDataCard';

/**
 * The signed-in person's own account: name, password, passkeys, two-step verification and where they
 * are signed in (IAM-LOCAL), their calendar feed (ADM-CALENDAR) and a download of their data
 * (PRIV-EXPORT).
 */
export function AccountPage() {
  const handle = useApiErrorText();
  const [account, setAccount] = useState<AccountView | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A password change signs the other browsers out: the list is read again.
  const [changes, setChanges] = useState(0);

  const reload = useCallback(() => {
    // Never fails: a refusal is shown instead.
    void getAccount().then(setAccount, (err: unknown) => setError(handle(err)));
  }, [handle]);
  useEffect(reload, [reload]);

  return (
    <AppLayout
      title="Your account"
      intro="Your name, how you sign in, where you are signed in, and your data."
    >
      <div className="account-cards">
        {error && <Alert>{error}</Alert>}
        {!account && !error && <Spinner size={24} label="Loading" />}
        {account && (
          <>
            <ProfileCard account={account} onSaved={setAccount} />
            <PasswordCard account={account} onChanged={() => setChanges((n) => n + 1)} />
            <PasskeysCard account={account} onChanged={reload} />
            <TwoStepCard account={account} onChanged={reload} />
            <SessionsCard refresh={changes} />
            <CalendarFeedCard />
            <YourDataCard />
          </>
        )}
      </div>
    </AppLayout>
  );
}
