import { create } from 'zustand';
import type { User } from '../api/client';
import { clearStoredOutbox } from './outboxStorage';

/**
 * The access token lives in sessionStorage: it survives a reload but belongs to this tab
 * alone and is gone when the tab closes (other tabs of the browser get it from an open tab
 * through a BroadcastChannel, see tabSession.ts, never from storage). localStorage would keep a bearer token on disk
 * indefinitely and share it across tabs (one logout would not log out the others' sockets
 * cleanly, and a leaked profile leaks the token); an HttpOnly cookie would hide it from
 * scripts, but the API authenticates with an Authorization header and a WebSocket
 * subprotocol, not cookies, and cookies would bring CSRF into play. Either storage is
 * readable by an XSS, which is why message text is only ever rendered as text.
 */
const TOKEN_KEY = 'chatflow.token';

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled (private mode): the session then lasts as long as the page.
  }
}

/**
 * Why the session ended when the user did not log out: its token ran out, it was logged out
 * from another device, or the user deleted their account.
 */
export type SessionEnd = 'expired' | 'revoked' | 'deleted';

const NOTICES: Record<SessionEnd, string> = {
  expired: 'Your session has expired. Please log in again.',
  revoked: 'You were logged out from another device. Please log in again.',
  deleted: 'Your account was deleted.',
};

interface SessionState {
  token: string | null;
  user: User | null;
  /** Why the user is looking at the login page, when it is not their own doing. */
  notice: string | null;
  /**
   * This tab asked the server to end its session and waits for the answer: the server
   * refusing the token meanwhile (its socket told `session_revoked`, a request answered 401)
   * is the logout itself, not news for the login page.
   */
  loggingOut: boolean;
  /** How the last session in this tab ended: told to the other tabs (tabSession.ts), which end theirs alike. */
  ended: { why?: SessionEnd } | null;
  /** This tab has no token yet and asked the other open tabs for theirs (tabSession.ts): not the login page yet. */
  askingTabs: boolean;
  logIn: (token: string) => void;
  setUser: (user: User) => void;
  /**
   * The server has been told (or could not be reached): the session ends here, the login page
   * saying `why` when given, and the messages the user left unsent in this browser are forgotten.
   */
  logOut: (why?: SessionEnd) => void;
  /** The server refused the token: back to the login page, saying why (a 401 or a 4401 alone says no more than `expired`). */
  expire: (why?: SessionEnd) => void;
}

export const useSession = create<SessionState>((set, get) => ({
  token: readToken(),
  user: null,
  notice: null,
  loggingOut: false,
  ended: null,
  askingTabs: false,
  logIn: (token) => {
    writeToken(token);
    set({ token, user: null, notice: null, loggingOut: false, ended: null, askingTabs: false });
  },
  setUser: (user) => set({ user }),
  logOut: (why) => {
    // Messages left unsent are the user's to send while logged in, not the next user's of this browser.
    const userId = get().user?.id;
    if (userId) void clearStoredOutbox(userId);
    writeToken(null);
    set({ token: null, user: null, notice: why ? NOTICES[why] : null, loggingOut: false, ended: { why } });
  },
  expire: (why = 'expired') => {
    const { token, loggingOut } = get();
    if (!token || loggingOut) return;
    writeToken(null);
    set({ token: null, user: null, notice: NOTICES[why], ended: { why } });
  },
}));
