import { ApiError, createApiClient } from '../api/client';
import { forgetDrafts } from './drafts';
import { useSession } from './session';

/** The app's API client: the session's token on every request; a 401 ends the session. */
export const api = createApiClient({
  getToken: () => useSession.getState().token,
  onUnauthorized: () => useSession.getState().expire(),
});

/** How long logging out waits for the server before logging out here all the same. */
export const LOGOUT_WAIT_MS = 5_000;

/**
 * The user deletes their account (DELETE /users/me). The server revokes every session of it
 * before it answers, so this tab's socket may hear `session_revoked` (and a request a 401)
 * first: like a logout, those are the deletion itself, and the login page says "Your account
 * was deleted." A refusal (403 wrong password, 429) leaves the session as it was.
 */
export async function deleteAccount(password: string): Promise<void> {
  useSession.setState({ loggingOut: true });
  try {
    await api.deleteAccount({ password });
  } catch (error) {
    useSession.setState({ loggingOut: false });
    // The token itself was refused: that session is over whatever the password.
    if (error instanceof ApiError && error.status === 401) useSession.getState().expire();
    throw error;
  }
  useSession.getState().logOut('deleted');
}

/**
 * The user logs out: the server ends the session first, so its token is refused everywhere
 * (a copy of it included), then this tab forgets it — whether or not the server answered,
 * so logging out offline still logs out here.
 */
export async function logOut(): Promise<void> {
  useSession.setState({ loggingOut: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, LOGOUT_WAIT_MS);
  });
  await Promise.race([api.logout().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  const user = useSession.getState().user;
  if (user) forgetDrafts(user.id);
  useSession.getState().logOut();
}
