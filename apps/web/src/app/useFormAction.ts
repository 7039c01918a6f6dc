import { useCallback, useState } from 'react';
import { ApiError } from '../api/http';
import { useApiErrorText } from './session';

/** Why a form's action was refused: the server's message, and the field it is about, if one. */
export interface FormError {
  message: string;
  field?: string | undefined;
}

/**
 * A form's action as a person sees it: busy while it runs, then either done or refused with the
 * server's message next to the field it names. `run` never rejects: the refusal is shown instead.
 */
export function useFormAction() {
  const handle = useApiErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const [done, setDone] = useState(false);

  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true);
      setError(null);
      setDone(false);
      try {
        await action();
        setDone(true);
      } catch (err) {
        setError({ message: handle(err), field: err instanceof ApiError ? err.field : undefined });
      } finally {
        setBusy(false);
      }
    },
    [handle],
  );
  const fieldError = (field: string) => (error?.field === field ? error.message : undefined);
  /** The refusal when no field of `shown` displays it itself. */
  const otherError = (shown: readonly string[]) =>
    error && !shown.includes(error.field ?? '') ? error.message : null;
  return { busy, error, done, run, fieldError, otherError };
}
