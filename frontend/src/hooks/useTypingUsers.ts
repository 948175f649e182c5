import { usePresence } from '../store/ChatSessionContext';

/** The others typing in a conversation now (the typing piece removes each one when it expires). */
export function useTypingUsers(conversationId: string, meId: string): string[] {
  const typers = usePresence((s) => s.typing[conversationId]);
  return Object.keys(typers ?? {}).filter((id) => id !== meId);
}
