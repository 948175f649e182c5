import { useEffect, useState } from 'react';
import { ApiError, type AuthSession } from '../api/client';
import { describeDevice, type Device } from '../lib/userAgent';
import { api } from '../store/api';

/** One of the user's sessions as the devices panel shows it. */
export interface DeviceRow extends Device {
  id: string;
  current: boolean;
  createdAt: string;
  lastUsedAt: string;
  /** Its logout is on its way to the server. */
  ending: boolean;
}

/** What asking the server to end a session came to. */
type Ending = 'gone' | 'failed' | 'unauthorized';

/**
 * The user's logged-in devices (GET /auth/sessions) and logging them out (DELETE
 * /auth/sessions/{id}). A session the server no longer knows (404: ended meanwhile, from
 * elsewhere or by expiring) leaves the list as one just logged out does.
 */
export function useDevices() {
  const [sessions, setSessions] = useState<AuthSession[] | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [ending, setEnding] = useState<ReadonlySet<string>>(new Set());
  const [endingOthers, setEndingOthers] = useState(false);
  /** What the last logout came to, said politely; `error` says it failed. */
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api.listSessions().then(
      (list) => current && setSessions(list),
      () => current && setLoadFailed(true),
    );
    return () => {
      current = false;
    };
  }, [attempt]);

  async function end(id: string): Promise<Ending> {
    setEnding((ids) => new Set(ids).add(id));
    try {
      await api.revokeSession(id);
      return 'gone';
    } catch (e) {
      if (!(e instanceof ApiError)) return 'failed';
      return e.status === 404 ? 'gone' : e.status === 401 ? 'unauthorized' : 'failed';
    } finally {
      setEnding((ids) => {
        const rest = new Set(ids);
        rest.delete(id);
        return rest;
      });
    }
  }

  const forget = (id: string) => setSessions((list) => list?.filter((s) => s.id !== id) ?? null);

  /** Logs one other device out; true once it has left the list. */
  async function logOut(row: DeviceRow): Promise<boolean> {
    if (ending.has(row.id) || endingOthers) return false;
    setStatus(null);
    setError(null);
    const outcome = await end(row.id);
    if (outcome !== 'gone') {
      setError(`Could not log out ${row.name}. Try again.`);
      return false;
    }
    forget(row.id);
    setStatus(`Logged out ${row.name}.`);
    return true;
  }

  /** Logs every other device out, one after the other; stops if this session itself is refused. */
  async function logOutOthers(): Promise<void> {
    if (endingOthers || !sessions) return;
    setEndingOthers(true);
    setStatus(null);
    setError(null);
    let failed = 0;
    for (const session of sessions.filter((s) => !s.current)) {
      const outcome = await end(session.id);
      // This session has ended too (the login page shows): nothing more to ask.
      if (outcome === 'unauthorized') return;
      if (outcome === 'gone') forget(session.id);
      else failed += 1;
    }
    setEndingOthers(false);
    if (failed) setError(`Could not log out ${failed === 1 ? '1 device' : `${failed} devices`}. Try again.`);
    else setStatus('Logged out all other devices.');
  }

  const rows: DeviceRow[] | null =
    sessions?.map((s) => ({
      ...describeDevice(s.user_agent),
      id: s.id,
      current: s.current,
      createdAt: s.created_at,
      lastUsedAt: s.last_used_at,
      ending: endingOthers || ending.has(s.id),
    })) ?? null;

  return {
    /** This device, then the others, most recently used first; null until loaded. */
    current: rows?.find((r) => r.current) ?? null,
    others: rows?.filter((r) => !r.current) ?? [],
    loaded: rows !== null,
    loadFailed: loadFailed && rows === null,
    reload: () => {
      setLoadFailed(false);
      setAttempt((n) => n + 1);
    },
    endingOthers,
    status,
    error,
    logOut,
    logOutOthers,
  };
}
