import { createApiClient } from '../api/client';
import { useSession } from './session';

/** The app's API client: the session's token on every request; a 401 ends the session. */
export const api = createApiClient({
  getToken: () => useSession.getState().token,
  onUnauthorized: () => useSession.getState().expire(),
});
