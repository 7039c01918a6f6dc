import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { completeSetup } from '../api/endpoints';
import { ApiError } from '../api/http';
import { useSession } from '../app/session';
import { Alert, Button, TextField } from '../ui/components';
import { AuthLayout } from './AuthLayout';

/** First run: creates the organisation and its first Administrator, then signs them in. */
export function SetupPage() {
  const session = useSession();
  const navigate = useNavigate();
  // The server prints a setup link ending in #token=…; a fragment never reaches server or proxy logs.
  const [linkToken] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const [form, setForm] = useState({
    setupToken: linkToken,
    organisationName: '',
    displayName: '',
    email: '',
    password: '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const view = await completeSetup(form);
      session.signedIn(view);
      navigate('/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'setup_already_done') {
        session.reload();
        navigate('/sign-in', { replace: true });
        return;
      }
      setError(err instanceof ApiError ? err : new ApiError(0, 'internal', 'Setup failed'));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);
  // With the token from the link there is no field to show its error next to.
  const showAlert = error && (!error.field || (linkToken !== '' && error.field === 'setupToken'));

  return (
    <AuthLayout
      title="Set up Conclave"
      subtitle="Name your organisation and create its first administrator account. You can invite everyone else afterwards."
    >
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        {showAlert && <Alert>{error.message}</Alert>}
        {linkToken === '' && (
          <TextField
            label="Setup token"
            name="setupToken"
            type="password"
            autoComplete="off"
            required
            value={form.setupToken}
            onChange={set('setupToken')}
            error={fieldError('setupToken')}
            hint="Open the setup link that the server printed when it started, or paste the token from it."
          />
        )}
        <TextField
          label="Organisation name"
          name="organisationName"
          autoComplete="organization"
          required
          maxLength={100}
          value={form.organisationName}
          onChange={set('organisationName')}
          error={fieldError('organisationName')}
          autoFocus={linkToken !== ''}
        />
        <TextField
          label="Display name"
          name="displayName"
          autoComplete="name"
          required
          maxLength={64}
          value={form.displayName}
          onChange={set('displayName')}
          error={fieldError('displayName')}
          hint="How others see you in meetings."
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={form.email}
          onChange={set('email')}
          error={fieldError('email')}
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
          Create organisation
        </Button>
      </form>
    </AuthLayout>
  );
}
