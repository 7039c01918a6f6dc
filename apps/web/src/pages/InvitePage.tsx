import type { InvitationPublicView } from '@conclave/protocol';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { acceptInvitation, lookupInvitation } from '../api/endpoints';
import { ApiError } from '../api/http';
import { useSession } from '../app/session';
import { Alert, Button, Spinner, TextField } from '../ui/components';
import { MessagePage } from '../ui/MessagePage';
import { ROLE_NAMES } from './admin/roles';
import { AuthLayout } from './AuthLayout';

/** Refusals that end the invitation for this person: the page says why instead of the form. */
const FINAL = new Set(['invitation_invalid', 'email_taken', 'sso_only', 'domain_not_allowed']);

type Lookup =
  | { status: 'loading' }
  | { status: 'open'; invitation: InvitationPublicView }
  | { status: 'refused'; error: ApiError };

/**
 * IAM-ROLES: the page an invitation link opens (`/invite#token=…`, the token in the fragment, which
 * never reaches a server or proxy log). It says which organisation and address the invitation is for,
 * takes a name and password, and signs the new account in.
 */
export function InvitePage() {
  const session = useSession();
  const navigate = useNavigate();
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const [lookup, setLookup] = useState<Lookup>(() =>
    token === ''
      ? { status: 'refused', error: new ApiError(404, 'invitation_invalid', 'No invitation') }
      : { status: 'loading' },
  );
  const [form, setForm] = useState({ displayName: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (token === '') return;
    let cancelled = false;
    // Never fails: a refusal is shown instead of the form.
    void lookupInvitation({ token }).then(
      (invitation) => !cancelled && setLookup({ status: 'open', invitation }),
      (err: unknown) => !cancelled && setLookup({ status: 'refused', error: asApiError(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [token]);

  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const view = await acceptInvitation({ token, ...form });
      session.signedIn(view);
      navigate('/', { replace: true });
    } catch (err) {
      const refusal = asApiError(err);
      if (FINAL.has(refusal.code)) setLookup({ status: 'refused', error: refusal });
      else setError(refusal);
    } finally {
      setBusy(false);
    }
  };

  if (lookup.status === 'loading') {
    return (
      <div className="center-page">
        <Spinner size={28} label="Opening the invitation" />
      </div>
    );
  }
  if (lookup.status === 'refused') return <Refused error={lookup.error} />;

  const { invitation } = lookup;
  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);
  const signedInAs = session.session?.user;
  return (
    <AuthLayout
      title={`Join ${invitation.organisationName}`}
      subtitle={`You are invited as a ${ROLE_NAMES[invitation.role]}. Choose how others see you and a password for your account.`}
    >
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        {error && !error.field && <Alert>{error.message}</Alert>}
        {signedInAs && (
          <Alert tone="info">
            You are signed in as <bdi>{signedInAs.displayName}</bdi> ({signedInAs.email}). Creating this
            account signs this browser in to it instead.
          </Alert>
        )}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          readOnly
          value={invitation.email}
          hint="The address you were invited with; you sign in with it."
        />
        <TextField
          label="Display name"
          name="displayName"
          autoComplete="name"
          required
          maxLength={64}
          autoFocus
          value={form.displayName}
          onChange={set('displayName')}
          error={fieldError('displayName')}
          hint="How others see you in meetings."
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          value={form.password}
          onChange={set('password')}
          error={fieldError('password')}
          hint="At least 10 characters."
        />
        <Button type="submit" variant="primary" size="lg" busy={busy}>
          Create account
        </Button>
        <p className="field-hint">
          This invitation works once, until{' '}
          <time dateTime={invitation.expiresAt}>{new Date(invitation.expiresAt).toLocaleString()}</time>.
        </p>
      </form>
    </AuthLayout>
  );
}

/** Why the invitation cannot be used, and where to go instead. */
function Refused({ error }: { error: ApiError }) {
  const signIn = (
    <Link to="/sign-in" className="btn btn-primary btn-md">
      Go to sign-in
    </Link>
  );
  switch (error.code) {
    case 'invitation_invalid':
      return (
        <MessagePage
          title="This invitation link is no longer valid"
          message="It was used already, revoked or replaced by a newer invitation, or it expired. Ask whoever invited you for a new link."
          action={signIn}
        />
      );
    case 'email_taken':
      return (
        <MessagePage
          title="You have an account already"
          message="An account with this email address exists already. Sign in with it instead."
          action={signIn}
        />
      );
    case 'sso_only':
      return (
        <MessagePage
          title="Sign in with single sign-on"
          message="Your organisation signs in through its identity provider; your account is made the first time you sign in there."
          action={signIn}
        />
      );
    case 'domain_not_allowed':
      return <MessagePage title="This invitation cannot be used" message={error.message} action={signIn} />;
    default:
      return (
        <MessagePage
          title="This invitation could not be opened"
          message={error.message}
          action={
            <Button variant="primary" onClick={() => window.location.reload()}>
              Try again
            </Button>
          }
        />
      );
  }
}

const asApiError = (err: unknown): ApiError =>
  err instanceof ApiError ? err : new ApiError(0, 'internal', 'The invitation could not be opened');
