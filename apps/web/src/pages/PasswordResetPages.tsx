import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { askPasswordReset, completePasswordReset, getPasswordResetLink } from '../api/endpoints';
import { ApiError } from '../api/http';
import { useSession } from '../app/session';
import { Alert, Button, Spinner, TextField } from '../ui/components';
import type { SecondFactorMethod } from '@conclave/protocol';
import { AuthLayout } from './AuthLayout';
import { SecondFactorStep } from './SecondFactorStep';

const backToSignIn = (
  <p className="muted">
    <Link to="/sign-in">Back to sign-in</Link>
  </p>
);

/**
 * "Forgot password?": asks for a link by email. The answer is the same whether the address has an
 * account or not, and so is what this page says.
 */
export function ForgotPasswordPage() {
  const [search] = useSearchParams();
  const [email, setEmail] = useState(search.get('email') ?? '');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await askPasswordReset(email);
      setSent(true);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'internal', 'The request failed'));
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    return (
      <AuthLayout title="Check your email">
        <div className="stack">
          <Alert tone="info">
            If {email} has an account here, a link to choose a new password is on its way. It works once,
            within 30 minutes.
          </Alert>
          {backToSignIn}
        </div>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Reset your password" subtitle="We will email you a link to choose a new one.">
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        {error && !error.field && <Alert>{error.message}</Alert>}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={error?.field === 'email' ? error.message : undefined}
          autoFocus
        />
        <Button type="submit" variant="primary" size="lg" busy={busy}>
          Email me a link
        </Button>
        {backToSignIn}
      </form>
    </AuthLayout>
  );
}

/**
 * The mailed link, /reset-password#token=…: the token stays in the fragment (never sent to a server
 * or a log) and goes to the API in a request body. A new password signs this browser in and every
 * other one out.
 */
export function ResetPasswordPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const [account, setAccount] = useState<string | null | 'invalid'>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [secondFactor, setSecondFactor] = useState<SecondFactorMethod[] | null>(null);

  useEffect(() => {
    if (!token) {
      setAccount('invalid');
      return;
    }
    getPasswordResetLink(token).then(
      (link) => setAccount(link.email),
      () => setAccount('invalid'),
    );
  }, [token]);

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await completePasswordReset(token, password);
      if ('secondFactor' in result) setSecondFactor(result.secondFactor.methods);
      else {
        session.signedIn(result);
        navigate('/', { replace: true });
      }
    } catch (err) {
      if (err instanceof ApiError && err.code === 'reset_invalid') setAccount('invalid');
      else setError(err instanceof ApiError ? err : new ApiError(0, 'internal', 'The reset failed'));
    } finally {
      setBusy(false);
    }
  };

  if (account === null) {
    return (
      <div className="center-page">
        <Spinner size={28} label="Loading" />
      </div>
    );
  }
  if (secondFactor) {
    return (
      <AuthLayout
        title="Two-step verification"
        subtitle="Your password is changed. Confirm it is you to sign in."
      >
        <SecondFactorStep
          methods={secondFactor}
          onSignedIn={(view) => {
            session.signedIn(view);
            navigate('/', { replace: true });
          }}
          onRestart={() => navigate('/sign-in', { replace: true })}
        />
      </AuthLayout>
    );
  }
  if (account === 'invalid') {
    return (
      <AuthLayout title="This link does not work any more">
        <div className="stack">
          <Alert>Reset links work once, within 30 minutes. Ask for a new one.</Alert>
          <p className="muted">
            <Link to="/forgot-password">Ask for a new link</Link>
          </p>
        </div>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      title="Choose a new password"
      subtitle={`For ${account}. You will be signed out everywhere else.`}
    >
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        {error && !error.field && <Alert>{error.message}</Alert>}
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={error?.field === 'password' ? error.message : undefined}
          hint="At least 10 characters."
          autoFocus
        />
        <Button type="submit" variant="primary" size="lg" busy={busy}>
          Set password and sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
