import { usePresence } from '../store/ChatSessionContext';

/** The others typing in a conversation now: their "typing…" has not expired. */
export function useTypingUsers(conversationId: string, meId: string): string[] {
  const typers = usePresence((s) => s.typing[conversationId]);
  return Object.entries(typers ?? {})
    .filter(([id, until]) => id !== meId && until > Date.now())
    .map(([id]) => id);
}
