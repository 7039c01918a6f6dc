import type { Settings } from '@conclave/protocol';
import { useCallback, useEffect, useState } from 'react';
import { getSettings, updateSettings } from '../../api/endpoints';
import { useApiErrorText, useSession } from '../../app/session';
import { Alert, Spinner } from '../../ui/components';
import { AppearanceSettings } from './AppearanceSettings';
import { ContractSettings } from './ContractSettings';
import { DomainsSettings } from './DomainsSettings';
import { FeatureSettings } from './FeatureSettings';
import { InvitesSettings } from './InvitesSettings';
import { SecuritySettings } from './SecuritySettings';
import { SsoSettings } from './SsoSettings';
import type { SaveSettings } from './SettingsCard';

/** ADM-SETTINGS: the organisation's settings, a card per concern, each saved on its own. */
export function SettingsPage() {
  const handle = useApiErrorText();
  const administrator = useSession().session?.user.role === 'administrator';
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Never fails: a refusal is shown instead of the settings.
    void getSettings().then(
      (s) => !cancelled && setSettings(s),
      (err: unknown) => !cancelled && setError(handle(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [handle]);

  const save: SaveSettings = useCallback(async (changes) => {
    const next = await updateSettings(changes);
    setSettings(next);
    return next;
  }, []);

  if (error) return <Alert>{error}</Alert>;
  if (!settings) {
    return (
      <div className="empty">
        <Spinner label="Loading the settings" />
      </div>
    );
  }
  return (
    <>
      <DomainsSettings settings={settings} save={save} />
      <FeatureSettings settings={settings} save={save} />
      <InvitesSettings settings={settings} save={save} />
      <AppearanceSettings settings={settings} save={save} />
      <SecuritySettings settings={settings} save={save} />
      <SsoSettings />
      {administrator && <ContractSettings />}
    </>
  );
}
