import type { Conversation, Message } from '../api/client';
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

/** A conversation joins the list (or replaces its entry); its other participants' presence comes with it. */
export function upsertConversation(stores: Pick<ChatStores, 'conversations' | 'presence'>, meId: string, conversation: Conversation): void {
  stores.conversations.getState().upsert(conversation);
  stores.presence.getState().seed(conversation.participants.filter((u) => u.id !== meId));
}

/**
 * A message was edited, deleted or reacted to (an event, or the answer to the user's own
 * change): its loaded thread and the chat list follow, each keeping the newest version.
 */
export function applyChangedMessage(stores: Pick<ChatStores, 'conversations' | 'messages'>, message: Message): void {
  const conversationId = message.conversation_id;
  if (stores.messages.getState().threads[conversationId]?.loaded) stores.messages.getState().applyChanges(conversationId, [message]);
  stores.conversations.getState().applyChange(message);
}
