import type { SsoConfigView } from '@conclave/protocol';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { getSsoConfig, setSsoConfig } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { useApiErrorText } from '../../app/session';
import { Alert, Button, Checkbox, TextField } from '../../ui/components';

/**
 * IAM-SSO-OIDC: the organisation's OpenID Connect provider. The client secret is sent, never shown:
 * left empty, the stored one is kept. The redirect URI is what to register at the provider.
 */
export function SsoSettings() {
  const id = useId();
  const handle = useApiErrorText();
  const [config, setConfig] = useState<SsoConfigView | null>(null);
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [ssoOnly, setSsoOnly] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string | undefined } | null>(null);
  const [saved, setSaved] = useState(false);

  const show = (c: SsoConfigView) => {
    setConfig(c);
    setIssuer(c.issuer);
    setClientId(c.clientId);
    setSecret('');
    setSsoOnly(c.ssoOnly);
  };
  useEffect(() => {
    // Never fails: a refusal is shown instead.
    void getSsoConfig().then(show, (err: unknown) => setError({ message: handle(err) }));
  }, [handle]);

  const apply = async (turnOff: boolean) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      show(
        await setSsoConfig(
          turnOff
            ? { protocol: null }
            : { protocol: 'oidc', issuer, clientId, ssoOnly, ...(secret && { clientSecret: secret }) },
        ),
      );
      setSaved(true);
    } catch (err) {
      setError({ message: handle(err), field: err instanceof ApiError ? err.field : undefined });
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void apply(false);
  };

  if (!config) return error ? <Alert>{error.message}</Alert> : null;
  const fieldError = (field: string) => (error?.field === field ? error.message : undefined);
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Single sign-on
      </h2>
      <p className="muted admin-note">
        People sign in through your OpenID Connect identity provider. Register this redirect URI there:{' '}
        <code>{config.redirectUri}</code>
      </p>
      <form className="admin-form" onSubmit={submit} noValidate>
        <TextField
          label="Issuer"
          name="issuer"
          placeholder="https://login.example.com"
          value={issuer}
          onChange={(e) => setIssuer(e.target.value)}
          error={fieldError('issuer')}
        />
        <TextField
          label="Client ID"
          name="clientId"
          value={clientId}
          onChange={(e) => setClientId(e.target.value)}
          error={fieldError('clientId')}
        />
        <TextField
          label="Client secret"
          name="clientSecret"
          type="password"
          autoComplete="off"
          placeholder={config.clientSecretSet ? 'Stored; leave empty to keep it' : ''}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          error={fieldError('clientSecret')}
        />
        <Checkbox
          label="Single sign-on only: no passwords, except the Administrator’s"
          checked={ssoOnly}
          onChange={setSsoOnly}
        />
        {error && !['issuer', 'clientId', 'clientSecret'].includes(error.field ?? '') && (
          <Alert>{error.message}</Alert>
        )}
        <div className="admin-save">
          <Button type="submit" variant="primary" busy={busy}>
            Save single sign-on
          </Button>
          {config.protocol && (
            <Button disabled={busy} onClick={() => void apply(true)}>
              Turn single sign-on off
            </Button>
          )}
          <span role="status" className="muted">
            {saved ? 'Saved.' : ''}
          </span>
        </div>
      </form>
    </section>
  );
}
