import { useEffect, useState } from 'react';
import type { PublicUser } from '../api/client';
import { useChatSession } from '../store/ChatSessionContext';

/** How long typing rests before the search asks the server (GET /users is rate-limited). */
const SEARCH_DELAY_MS = 250;

/** The people matching `query` (GET /users?q=), once the typing pauses: null until the first answer; `failed` when the last ask failed. */
export function usePeopleSearch(query: string): { found: PublicUser[] | null; failed: boolean } {
  const session = useChatSession();
  const [found, setFound] = useState<PublicUser[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      session.searchUsers(query).then(
        (users) => {
          if (!current) return;
          setFound(users);
          setFailed(false);
        },
        () => current && setFailed(true),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, session]);

  return { found, failed };
}
