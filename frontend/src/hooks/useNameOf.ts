import { useCallback } from 'react';
import { displayName } from '../lib/names';
import { useConversations } from '../store/ChatSessionContext';

/** Names a user as the reader knows them: "You" for the reader, else their name from any chat they share. */
export function useNameOf(meId: string): (userId: string) => string {
  const users = useConversations((s) => s.users);
  return useCallback(
    (userId: string) => {
      if (userId === meId) return 'You';
      const user = users[userId];
      return user ? displayName(user) : 'Former member';
    },
    [meId, users],
  );
}
