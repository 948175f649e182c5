import { createApiClient } from '../api/client';
import { useSession } from './session';

/** The app's API client: the session's token on every request; a 401 ends the session. */
export const api = createApiClient({
  getToken: () => useSession.getState().token,
  onUnauthorized: () => useSession.getState().expire(),
});

/** How long logging out waits for the server before logging out here all the same. */
export const LOGOUT_WAIT_MS = 5_000;

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
  useSession.getState().logOut();
}
