import type { ReadFrame } from '@chatflow/protocol';
import { isUnread, type ConversationsStore } from './conversations';

export interface ReadMarkerOptions {
  conversations: ConversationsStore;
  /** Sends the frame if the connection is ready; false when it is not. */
  sendNow: (frame: ReadFrame) => boolean;
  /** POST /conversations/{id}/read, for when the socket is down. */
  postRead: (conversationId: string) => Promise<unknown>;
  /** Whether the user can see the open chat: the tab is visible and focused. */
  attentive: () => boolean;
}

/**
 * When a chat counts as read: it is the open one and the user can see it. Reading clears the
 * badge at once and tells the server over the socket, or by REST while the socket is down;
 * a chat the user is no longer in is never marked.
 */
export function createReadMarker({ conversations, sendNow, postRead, attentive }: ReadMarkerOptions) {
  function markRead(conversationId: string): void {
    // A chat the user is no longer in takes no read marks (the server would refuse them).
    if (conversations.getState().departures[conversationId]) return;
    conversations.getState().setUnread(conversationId, 0);
    if (!sendNow({ type: 'read', conversation_id: conversationId })) {
      void postRead(conversationId).catch(() => undefined);
    }
  }

  function markActiveRead(): void {
    const { activeId, byId } = conversations.getState();
    const conversation = activeId ? byId[activeId] : undefined;
    if (conversation && isUnread(conversation) && attentive()) markRead(conversation.id);
  }

  return {
    markRead,
    /** Marks the open chat read if it has unread messages (or was marked unread) and the user can see it. */
    markActiveRead,
    /** Whether a message arriving in this conversation is seen as it arrives. */
    seesNow: (conversationId: string) => conversations.getState().activeId === conversationId && attentive(),
  };
}

export type ReadMarker = ReturnType<typeof createReadMarker>;
