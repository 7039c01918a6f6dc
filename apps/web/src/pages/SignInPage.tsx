import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { getPasswordResetStatus, getSsoStatus, signIn, ssoStartUrl } from '../api/endpoints';
import { ApiError } from '../api/http';
import { signInWithAPasskey } from '../api/passkeys';
import { useSession } from '../app/session';
import { Alert, Button, TextField } from '../ui/components';
import { AuthLayout } from './AuthLayout';
import { SecondFactorStep } from './SecondFactorStep';
import type { SecondFactorMethod, SsoStatus } from '@conclave/protocol';

/** What the sign-in page says when single sign-on sent the browser back without a session. */
function ssoErrorText(code: string | null): string | null {
  switch (code) {
    case null:
      return null;
    case 'access_revoked':
      return 'Your access to this organisation was revoked; ask a Superuser or Administrator.';
    case 'domain_not_allowed':
      return 'Your organisation does not allow new accounts for this email address.';
    case 'sso_unavailable':
      return 'Single sign-on is not available right now. Try again later.';
    case 'rate_limited':
      return 'Too many sign-ins from your network. Wait a few minutes, then try again.';
    default:
      return 'Single sign-on did not complete. Try again.';
  }
}

/** Only same-site paths are followed after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const next = safeNext(search.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(() => ssoErrorText(search.get('sso_error')));
  const [sso, setSso] = useState<SsoStatus | null>(null);
  // The password was right and the account has a second factor: its methods.
  const [secondFactor, setSecondFactor] = useState<SecondFactorMethod[] | null>(null);
  const [canReset, setCanReset] = useState(false);
  const [passkeyBusy, setPasskeyBusy] = useState(false);

  useEffect(() => {
    // Without an answer, the page simply offers passwords.
    getSsoStatus().then(setSso, () => undefined);
    getPasswordResetStatus().then(
      (s) => setCanReset(s.available),
      () => undefined,
    );
  }, []);

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await signIn({ email, password });
      if ('secondFactor' in result) {
        setSecondFactor(result.secondFactor.methods);
        setPassword('');
        return;
      }
      session.signedIn(result);
      navigate(next, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_credentials') {
        setError('Incorrect email or password.');
      } else if (err instanceof ApiError && err.code === 'rate_limited') {
        setError('Too many attempts. Wait a minute, then try again.');
      } else {
        setError(err instanceof Error ? err.message : 'Sign-in failed');
      }
    } finally {
      setBusy(false);
    }
  };

  // Shows its own errors, like submit.
  const withPasskey = async () => {
    setPasskeyBusy(true);
    setError(null);
    try {
      session.signedIn(await signInWithAPasskey());
      navigate(next, { replace: true });
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Sign-in failed');
    } finally {
      setPasskeyBusy(false);
    }
  };

  if (secondFactor) {
    return (
      <AuthLayout title="Two-step verification" subtitle={`Confirm it is you, ${email}.`}>
        <SecondFactorStep
          methods={secondFactor}
          onSignedIn={(view) => {
            session.signedIn(view);
            navigate(next, { replace: true });
          }}
          onRestart={() => setSecondFactor(null)}
        />
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Sign in" subtitle="Welcome back. Sign in to start or manage your meetings.">
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        {error && <Alert>{error}</Alert>}
        {sso?.protocol && (
          <>
            <a className="btn btn-primary btn-lg" href={ssoStartUrl(sso.protocol, next)}>
              Sign in with single sign-on
            </a>
            <p className="muted">
              {sso.ssoOnly
                ? 'Your organisation signs in through its identity provider. Passwords are for its Administrator only.'
                : 'Or with your email and password:'}
            </p>
          </>
        )}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoFocus
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button type="submit" variant="primary" size="lg" busy={busy} disabled={passkeyBusy}>
          Sign in
        </Button>
        {browserSupportsWebAuthn() && (
          <Button size="lg" busy={passkeyBusy} disabled={busy} onClick={() => void withPasskey()}>
            Sign in with a passkey
          </Button>
        )}
        {canReset && (
          <p className="muted">
            <Link to={`/forgot-password${email ? `?email=${encodeURIComponent(email)}` : ''}`}>
              Forgot your password?
            </Link>
          </p>
        )}
      </form>
    </AuthLayout>
  );
}
