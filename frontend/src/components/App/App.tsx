import { useEffect, useState } from 'react';
import { ApiError, isRetryable } from '../../api/client';
import { backoffDelay } from '../../realtime/backoff';
import { api } from '../../store/api';
import { useSession } from '../../store/session';
import { AuthPage } from '../AuthPage/AuthPage';
import { ChatLayout } from '../ChatLayout/ChatLayout';
import styles from './App.module.css';

/** The root: the login page without a session, the chat once we know who the user is. */
export function App() {
  const token = useSession((s) => s.token);
  const user = useSession((s) => s.user);
  const setUser = useSession((s) => s.setUser);
  const askingTabs = useSession((s) => s.askingTabs);
  const [attempt, setAttempt] = useState(0);
  // A failure belongs to one attempt with one token: a retry or a new login shows "Loading" again.
  const [failure, setFailure] = useState<{ of: string; message: string; retryInMs?: number } | null>(null);
  const thisAttempt = `${attempt}:${token ?? ''}`;

  useEffect(() => {
    if (!token || user) return;
    let current = true;
    api.me().then(
      (me) => current && setUser(me),
      (error: unknown) => {
        // A 401 has already ended the session (the login page shows); anything else can be retried.
        if (!current || (error instanceof ApiError && error.status === 401)) return;
        // The server unreachable or its database down (503): the session stays, and the next
        // attempt starts by itself, later each time (never sooner than a Retry-After).
        const retryInMs = isRetryable(error) ? Math.max(backoffDelay(attempt), (error.retryAfterSeconds ?? 0) * 1000) : undefined;
        setFailure({ of: `${attempt}:${token}`, message: error instanceof Error ? error.message : 'Could not load your account.', retryInMs });
      },
    );
    return () => {
      current = false;
    };
  }, [token, user, setUser, attempt]);

  const retryInMs = failure?.of === thisAttempt ? failure.retryInMs : undefined;
  useEffect(() => {
    if (retryInMs === undefined) return;
    const timer = setTimeout(() => setAttempt((n) => n + 1), retryInMs);
    return () => clearTimeout(timer);
  }, [retryInMs, thisAttempt]);

  if (!token) {
    // A new tab waits a moment for an open tab's session (tabSession.ts) before asking to log in.
    if (askingTabs) {
      return (
        <main className={styles.loading}>
          <p role="status">Loading…</p>
        </main>
      );
    }
    return <AuthPage />;
  }
  if (!user) {
    return (
      <main className={styles.loading}>
        {failure?.of === thisAttempt ? (
          <div role="alert" className={styles.failure}>
            <p>{failure.message}</p>
            {retryInMs !== undefined && <p>Retrying in {Math.max(1, Math.round(retryInMs / 1000))} s.</p>}
            <button type="button" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </div>
        ) : (
          <p role="status">Loading your chats…</p>
        )}
      </main>
    );
  }
  return <ChatLayout key={user.id} me={user} />;
}
