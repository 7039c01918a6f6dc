import { ConclaveError } from '@conclave/client';
import type { SessionView } from '@conclave/protocol';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { getSession, getSetupStatus, signOut as apiSignOut } from '../api/endpoints';
import { ApiError, setCsrfToken } from '../api/http';

export interface SessionState {
  status: 'loading' | 'ready' | 'unreachable';
  setupNeeded: boolean;
  session: SessionView | null;
}

interface SessionContextValue extends SessionState {
  /** After sign-in or setup. */
  signedIn(view: SessionView): void;
  signOut(): Promise<void>;
  /** The server said the session is gone (401). */
  expired(): void;
  reload(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading', setupNeeded: false, session: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    const session = getSession().catch((err: unknown) => {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404))
        return null;
      throw err;
    });
    Promise.all([getSetupStatus(), session]).then(
      ([setup, view]) => {
        if (cancelled) return;
        setCsrfToken(view?.csrfToken ?? null);
        setState({ status: 'ready', setupNeeded: setup.needed, session: view });
      },
      () => {
        if (!cancelled) setState({ status: 'unreachable', setupNeeded: false, session: null });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const signedIn = useCallback((view: SessionView) => {
    setCsrfToken(view.csrfToken);
    setState({ status: 'ready', setupNeeded: false, session: view });
  }, []);

  const expired = useCallback(() => {
    setCsrfToken(null);
    setState((s) => ({ ...s, session: null }));
  }, []);

  const signOut = useCallback(async () => {
    try {
      await apiSignOut();
    } finally {
      expired();
    }
  }, [expired]);

  const reload = useCallback(() => {
    setState((s) => ({ ...s, status: 'loading' }));
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(
    () => ({ ...state, signedIn, signOut, expired, reload }),
    [state, signedIn, signOut, expired, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}

/**
 * Turns a failed API call into the text to show; a call refused for want of a session (it expired,
 * or the user signed out elsewhere) also ends the page's session, so the sign-in page follows.
 */
export function useApiErrorText(): (err: unknown) => string {
  const session = useSession();
  return useCallback(
    (err: unknown): string => {
      const code = err instanceof ApiError || err instanceof ConclaveError ? err.code : null;
      if (code === 'unauthorized') session.expired();
      return err instanceof Error ? err.message : 'Something went wrong';
    },
    [session],
  );
}
