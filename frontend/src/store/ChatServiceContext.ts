import { createContext, useContext } from 'react';
import type { ChatService } from './chatService';

export const ChatServiceContext = createContext<ChatService | null>(null);

export function useChatService(): ChatService {
  const service = useContext(ChatServiceContext);
  if (!service) throw new Error('useChatService outside ChatLayout');
  return service;
}
