import type { ReadFrame } from '@chatflow/protocol';
import { unreadAfter } from '../lib/unread';
import type { ConversationsStore } from './conversations';
import type { MessagesStore } from './messages';

export interface ReadMarkerOptions {
  meId: string;
  conversations: ConversationsStore;
  messages: MessagesStore;
  /** Sends the frame if the connection is ready; false when it is not. */
  sendNow: (frame: ReadFrame) => boolean;
  /** POST /conversations/{id}/read up to a message, for when the socket is down. */
  postRead: (conversationId: string, upToSeq: number) => Promise<unknown>;
  /** Whether the user can see the open chat: the tab is visible and focused. */
  attentive: () => boolean;
}

/**
 * Read means seen on screen. The open chat's view reports the newest message it shows
 * (`showing`); while the user can see the chat, the messages up to that one are read: the
 * badge drops to the unread messages after it, and the server is told how far (`up_to_seq`)
 * over the socket, or by REST while the socket is down. The unread messages are the last
 * `unread_count` that count (others' messages, not deleted), so a message at or before the
 * first of them reads nothing and sends nothing. A chat the user is no longer in is never marked.
 */
export function createReadMarker({ meId, conversations, messages, sendNow, postRead, attentive }: ReadMarkerOptions) {
  /** The newest message the open chat's view shows, and of which chat. */
  let onScreen: { conversationId: string; seq: number } | null = null;

  function readUpTo(conversationId: string, seq: number): void {
    const { byId, departures } = conversations.getState();
    const conversation = byId[conversationId];
    if (!conversation || conversation.unread_count === 0 || departures[conversationId]) return;
    const left = unreadAfter(messages.getState().threads[conversationId]?.items ?? [], seq, meId);
    if (left >= conversation.unread_count) return;
    conversations.getState().setUnread(conversationId, left);
    if (!sendNow({ type: 'read', conversation_id: conversationId, up_to_seq: seq })) {
      void postRead(conversationId, seq).catch(() => undefined);
    }
  }

  function markActiveRead(): void {
    const { activeId } = conversations.getState();
    if (onScreen && onScreen.conversationId === activeId && attentive()) readUpTo(onScreen.conversationId, onScreen.seq);
  }

  return {
    /** The open chat's view shows messages up to `seq` now: they are read if the user can see them. */
    showing: (conversationId: string, seq: number): void => {
      onScreen = { conversationId, seq };
      markActiveRead();
    },
    /** Reads what the open chat shows, if the user can see it (the tab came back, a change arrived). */
    markActiveRead,
    /**
     * The user read the chat on another device up to message `seq` (everything, when the server
     * did not say): the badge keeps only the messages after it that this tab can count.
     */
    readElsewhere: (conversationId: string, seq: number | undefined): void => {
      const conversation = conversations.getState().byId[conversationId];
      if (!conversation) return;
      const thread = messages.getState().threads[conversationId];
      const newest = conversation.last_message?.seq ?? 0;
      if (seq === undefined || seq >= newest) conversations.getState().setUnread(conversationId, 0);
      else if (thread?.loaded) conversations.getState().setUnread(conversationId, Math.min(conversation.unread_count, unreadAfter(thread.items, seq, meId)));
    },
    /** Whether the user is looking at this conversation now. */
    seesNow: (conversationId: string) => conversations.getState().activeId === conversationId && attentive(),
  };
}

export type ReadMarker = ReturnType<typeof createReadMarker>;
