import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/http';
import { useApiErrorText } from '../../app/session';
import { fieldMessage } from './fieldMessage';

/** A refusal, with the field it is about when the server named one. */
export interface FormError {
  message: string;
  field?: string | undefined;
}

/**
 * The life of an administration form: its values, a submit that sends them once at a time, the
 * server's refusal shown next to its field (or above the form), and what to say when it worked.
 * `sent` hears the answer and may return the confirmation to show; the form then starts empty again.
 */
export function useAdminForm<F extends object, R>(
  empty: F,
  send: (form: F) => Promise<R>,
  sent: (result: R) => string | void,
) {
  const handle = useApiErrorText();
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const set = (key: keyof F) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(sent(await send(form)) ?? null);
      setForm(empty);
    } catch (err) {
      const field = err instanceof ApiError ? err.field : undefined;
      setError({ message: fieldMessage(handle(err), field), field });
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);
  return { form, setForm, set, busy, error, done, submit, fieldError };
}
