import type { EventOf, ServerEvent, ServerEventType } from '@chatflow/protocol';
import type { ApiClient, Message } from '../api/client';
import { applyChangedMessage, upsertConversation, type ChatStores } from './chatStores';
import type { Membership } from './membership';
import type { Outbox } from './outbox';
import type { ReadMarker } from './readMarker';
import type { Typing } from './typing';

/** A handler for each event type acted on; an event of another type is ignored. */
export type EventHandlers = { [T in ServerEventType]?: (event: EventOf<T>) => void };

/** Hands each event to the handler of its type. */
export function createEventRouter(handlers: EventHandlers): (event: ServerEvent) => void {
  return (event) => {
    // EventHandlers pairs each type with its event; indexing by a union loses that pairing.
    const handler = handlers[event.type] as ((event: ServerEvent) => void) | undefined;
    handler?.(event);
  };
}

export interface ChatEventOptions {
  meId: string;
  api: Pick<ApiClient, 'getConversation'>;
  stores: Pick<ChatStores, 'conversations' | 'messages' | 'presence'>;
  typing: Pick<Typing, 'show'>;
  outbox: Pick<Outbox, 'acknowledged' | 'conversationOf' | 'refused'>;
  reads: Pick<ReadMarker, 'seesNow' | 'markActiveRead' | 'readElsewhere'>;
  membership: Pick<Membership, 'departed' | 'seen' | 'check'>;
}

/**
 * What a chat session does with each server event. `ready` is not here: the RealtimeClient
 * acts on it (the catch-up follows), as it fails the message an `error` names before the
 * error comes here.
 */
export function chatEventHandlers({ meId, api, stores, typing, outbox, reads, membership }: ChatEventOptions): EventHandlers {
  const { conversations, messages, presence } = stores;

  /** Change `eventSeq` of a conversation was applied: its loaded thread and its row move on. */
  function applied(conversationId: string, eventSeq: number): void {
    if (messages.getState().threads[conversationId]?.loaded) messages.getState().eventApplied(conversationId, eventSeq);
    conversations.getState().eventApplied(conversationId, eventSeq);
  }

  function receiveMessage(message: Message, eventSeq: number): void {
    const conversationId = message.conversation_id;
    const conversation = conversations.getState().byId[conversationId];
    if (!conversation) {
      // A conversation we have not heard of (its conversation_created came before our list).
      void api.getConversation(conversationId).then(
        (fetched) => conversations.getState().upsert(fetched),
        () => undefined,
      );
      return;
    }
    if (messages.getState().threads[conversationId]?.loaded) messages.getState().merge(conversationId, [message]);
    // A message the chat list was read after (a catch-up going over it again) is already in its badge.
    const fresh = eventSeq > conversation.last_event_seq;
    applied(conversationId, eventSeq);
    const fromOther = fresh && message.sender_id !== meId;
    if (fromOther) typing.show(conversationId, message.sender_id, false);
    // Unread until the open chat's view shows it on screen (a reader scrolled up has not seen it).
    conversations.getState().applyMessage(message, fromOther);
  }

  function receiveChange(event: EventOf<'message_updated' | 'message_deleted'>): void {
    if (!conversations.getState().byId[event.conversation_id]) return;
    applyChangedMessage(stores, event.message);
    applied(event.conversation_id, event.event_seq);
  }

  /**
   * A group was renamed, or its members or roles changed: the row takes the conversation as
   * the server shows it to the user (its preview and badge only if they are at least as new
   * as the row's), and the change counts like a message's.
   */
  function receiveUpdate(event: EventOf<'conversation_updated'>): void {
    const conversationId = event.conversation_id;
    upsertConversation(stores, meId, event.conversation);
    applied(conversationId, event.event_seq);
    membership.seen(event.conversation);
    // Its badge was counted when the server sent it: what the open chat shows is read.
    if (reads.seesNow(conversationId)) reads.markActiveRead();
  }

  return {
    ack: (event) => {
      outbox.acknowledged(event.client_id);
      receiveMessage(event.message, event.event_seq);
    },
    message: (event) => receiveMessage(event.message, event.event_seq),
    message_updated: receiveChange,
    message_deleted: receiveChange,
    conversation_created: (event) => upsertConversation(stores, meId, event.conversation),
    conversation_updated: receiveUpdate,
    conversation_removed: (event) => membership.departed(event.conversation_id),
    error: (event) => {
      // A message refused as forbidden in a group: perhaps the user is no longer in it.
      const conversationId = event.code === 'forbidden' && event.client_id ? outbox.conversationOf(event.client_id) : undefined;
      if (conversationId && conversations.getState().byId[conversationId]?.is_group_chat) void membership.check(conversationId);
      if (event.client_id) outbox.refused(event.client_id);
    },
    conversation_read: (event) => {
      // Read by me on another device: the badge keeps what is after it; read by someone else: my ticks move.
      if (event.user_id === meId) reads.readElsewhere(event.conversation_id, event.last_read_seq);
      else conversations.getState().receipt(event.conversation_id, event.user_id, 'read', event.last_read_timestamp);
    },
    conversation_delivered: (event) =>
      conversations.getState().receipt(event.conversation_id, event.user_id, 'delivered', event.last_delivered_timestamp),
    presence: (event) => presence.getState().set(event.user_id, { online: event.status === 'online', lastSeenAt: event.last_seen_at }),
    typing: (event) => {
      if (event.user_id !== meId) typing.show(event.conversation_id, event.user_id, event.is_typing);
    },
  };
}
