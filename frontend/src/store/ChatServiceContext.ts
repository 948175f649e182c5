import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ChatService } from './chatService';
import type { Connection } from './connection';
import type { ConversationsState } from './conversations';
import type { MessagesState } from './messages';
import type { PresenceState } from './presence';

export const ChatServiceContext = createContext<ChatService | null>(null);

export function useChatService(): ChatService {
  const service = useContext(ChatServiceContext);
  if (!service) throw new Error('useChatService outside ChatLayout');
  return service;
}

// The session's stores, read by the components below ChatLayout.

export function useConversations<T>(selector: (state: ConversationsState) => T): T {
  return useStore(useChatService().stores.conversations, selector);
}

export function useMessages<T>(selector: (state: MessagesState) => T): T {
  return useStore(useChatService().stores.messages, selector);
}

export function usePresence<T>(selector: (state: PresenceState) => T): T {
  return useStore(useChatService().stores.presence, selector);
}

export function useConnection<T>(selector: (state: Connection) => T): T {
  return useStore(useChatService().stores.connection, selector);
}
