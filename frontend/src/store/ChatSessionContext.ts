import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ChatSession } from './chatSession';
import type { Connection } from './connection';
import type { ConversationsState } from './conversations';
import type { MessagesState } from './messages';
import type { PresenceState } from './presence';

/** The chat session of the logged-in user, provided by ChatLayout. */
export const ChatSessionContext = createContext<ChatSession | null>(null);

export function useChatSession(): ChatSession {
  const session = useContext(ChatSessionContext);
  if (!session) throw new Error('useChatSession outside ChatLayout');
  return session;
}

// The session's stores, for the components below ChatLayout.

export function useConversations<T>(selector: (state: ConversationsState) => T): T {
  return useStore(useChatSession().stores.conversations, selector);
}

export function useMessages<T>(selector: (state: MessagesState) => T): T {
  return useStore(useChatSession().stores.messages, selector);
}

export function usePresence<T>(selector: (state: PresenceState) => T): T {
  return useStore(useChatSession().stores.presence, selector);
}

/** The draft of one chat ('' when there is none). */
export function useDraft(conversationId: string): string {
  return useStore(useChatSession().drafts, (s) => s.byConversation[conversationId] ?? '');
}

export function useConnection<T>(selector: (state: Connection) => T): T {
  return useStore(useChatSession().stores.connection, selector);
}
