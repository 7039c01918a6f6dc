import type { SetSsoConfigRequest, SsoConfigView, SsoProtocol } from '@conclave/protocol';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { getSsoConfig, setSsoConfig } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { useFormAction } from '../../app/useFormAction';
import { Alert, Button, Checkbox, TextArea, TextField } from '../../ui/components';

interface Draft {
  protocol: SsoProtocol;
  ssoOnly: boolean;
  issuer: string;
  clientId: string;
  clientSecret: string;
  metadataXml: string;
  entityId: string;
  ssoUrl: string;
  certificate: string;
  allowIdpInitiated: boolean;
}

type TextKey = { [K in keyof Draft]: Draft[K] extends string ? K : never }[keyof Draft];

const draftOf = (c: SsoConfigView): Draft => ({
  protocol: c.protocol ?? 'saml',
  ssoOnly: c.ssoOnly,
  issuer: c.oidc?.issuer ?? '',
  clientId: c.oidc?.clientId ?? '',
  clientSecret: '',
  metadataXml: '',
  entityId: c.saml?.entityId ?? '',
  ssoUrl: c.saml?.ssoUrl ?? '',
  certificate: '',
  allowIdpInitiated: c.saml?.allowIdpInitiated ?? true,
});

/** What PUT /api/sso gets: secrets and certificates only when typed (left out, the stored ones stay). */
function requestOf(d: Draft): SetSsoConfigRequest {
  if (d.protocol === 'oidc') {
    const { issuer, clientId, ssoOnly, clientSecret } = d;
    return { protocol: 'oidc', issuer, clientId, ssoOnly, ...(clientSecret && { clientSecret }) };
  }
  const common = { protocol: 'saml' as const, ssoOnly: d.ssoOnly, allowIdpInitiated: d.allowIdpInitiated };
  return d.metadataXml.trim()
    ? { ...common, metadataXml: d.metadataXml }
    : {
        ...common,
        entityId: d.entityId,
        ssoUrl: d.ssoUrl,
        ...(d.certificate && { certificate: d.certificate }),
      };
}

const OWN_FIELDS = ['issuer', 'clientId', 'clientSecret', 'metadataXml', 'entityId', 'ssoUrl', 'certificate'];

/**
 * IAM-SSO-SAML, IAM-SSO-OIDC: the organisation's identity provider, SAML 2.0 (by its metadata, or by
 * entity id, sign-in URL and certificate) or OpenID Connect (by its issuer). A client secret or
 * certificate is sent, never shown: left empty, the stored one is kept. What to register at the
 * provider is shown beside each.
 */
export function SsoSettings() {
  const id = useId();
  const handle = useApiErrorText();
  const { busy, done, run, fieldError, otherError } = useFormAction();
  const [config, setConfig] = useState<SsoConfigView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const show = (c: SsoConfigView) => {
    setConfig(c);
    setDraft(draftOf(c));
  };
  useEffect(() => {
    // Never fails: a refusal is shown instead.
    void getSsoConfig().then(show, (err: unknown) => setLoadError(handle(err)));
  }, [handle]);

  const apply = (request: SetSsoConfigRequest) => run(async () => show(await setSsoConfig(request)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft) void apply(requestOf(draft));
  };

  if (!config || !draft) return loadError ? <Alert>{loadError}</Alert> : null;
  const other = otherError(OWN_FIELDS);
  const edit =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => d && { ...d, [key]: value });
  const text = (key: TextKey) => ({
    name: key,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft((d) => d && { ...d, [key]: e.target.value }),
    error: fieldError(key),
  });
  const sp = config.serviceProvider;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Single sign-on
      </h2>
      <p className="muted admin-note">
        {config.protocol === null
          ? 'Off: people sign in with their email and password.'
          : `On, through ${config.protocol === 'saml' ? 'SAML 2.0' : 'OpenID Connect'}.`}
      </p>
      <form className="admin-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-protocol`}>Protocol</label>
          <select
            id={`${id}-protocol`}
            name="protocol"
            value={draft.protocol}
            onChange={(e) => edit('protocol')(e.target.value === 'oidc' ? 'oidc' : 'saml')}
          >
            <option value="saml">SAML 2.0</option>
            <option value="oidc">OpenID Connect</option>
          </select>
        </div>
        {draft.protocol === 'saml' ? (
          <>
            <p className="muted admin-note">
              Register this service provider at your identity provider by its metadata,{' '}
              <code>{sp.samlMetadataUrl}</code>
              {sp.samlEntityId !== sp.samlMetadataUrl && (
                <>
                  {' '}
                  (entity ID <code>{sp.samlEntityId}</code>)
                </>
              )}
              , or by hand: assertion consumer service <code>{sp.samlAcsUrl}</code> (HTTP-POST). Assertions
              must be signed.
            </p>
            <TextArea
              label="Identity provider metadata (XML)"
              rows={4}
              spellCheck={false}
              hint="Paste it to fill in everything below, or leave it empty and give the details."
              {...text('metadataXml')}
            />
            <TextField label="Identity provider entity ID" {...text('entityId')} />
            <TextField label="Sign-in URL (HTTP-Redirect)" placeholder="https://" {...text('ssoUrl')} />
            <TextArea
              label="Signing certificate (PEM)"
              rows={3}
              spellCheck={false}
              placeholder={config.saml ? 'Stored; leave empty to keep it' : '-----BEGIN CERTIFICATE-----'}
              {...text('certificate')}
            />
            {config.saml && (
              <ul className="admin-certificates" aria-label="Stored signing certificates">
                {config.saml.certificates.map((c) => (
                  <li key={c.sha256}>
                    {c.subject}, valid until {new Date(c.notAfter).toLocaleDateString()}
                    <br />
                    <code className="muted">SHA-256 {c.sha256}</code>
                  </li>
                ))}
              </ul>
            )}
            <Checkbox
              label="Accept sign-ins started at the identity provider’s portal"
              checked={draft.allowIdpInitiated}
              onChange={edit('allowIdpInitiated')}
            />
          </>
        ) : (
          <>
            <p className="muted admin-note">
              Register this redirect URI at your provider: <code>{sp.oidcRedirectUri}</code>
            </p>
            <TextField label="Issuer" placeholder="https://login.example.com" {...text('issuer')} />
            <TextField label="Client ID" {...text('clientId')} />
            <TextField
              label="Client secret"
              type="password"
              autoComplete="off"
              placeholder={config.oidc?.clientSecretSet ? 'Stored; leave empty to keep it' : ''}
              {...text('clientSecret')}
            />
          </>
        )}
        <Checkbox
          label="Single sign-on only: no passwords, except the Administrator’s"
          checked={draft.ssoOnly}
          onChange={edit('ssoOnly')}
        />
        {other && <Alert>{other}</Alert>}
        <div className="admin-save">
          <Button type="submit" variant="primary" busy={busy}>
            Save single sign-on
          </Button>
          {config.protocol && (
            <Button disabled={busy} onClick={() => void apply({ protocol: null })}>
              Turn single sign-on off
            </Button>
          )}
          <span role="status" className="muted">
            {done ? 'Saved.' : ''}
          </span>
        </div>
      </form>
    </section>
  );
}
