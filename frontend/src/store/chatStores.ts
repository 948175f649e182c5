import { createConnectionStore, type ConnectionStore } from './connection';
import { createConversationsStore, type ConversationsStore } from './conversations';
import { createMessagesStore, type MessagesStore } from './messages';
import { createPresenceStore, type PresenceStore } from './presence';

/** The state of one chat session; a new session (another login) starts from empty stores. */
export interface ChatStores {
  conversations: ConversationsStore;
  messages: MessagesStore;
  presence: PresenceStore;
  connection: ConnectionStore;
}

export function createChatStores(): ChatStores {
  return {
    conversations: createConversationsStore(),
    messages: createMessagesStore(),
    presence: createPresenceStore(),
    connection: createConnectionStore(),
  };
}
