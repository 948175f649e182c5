import type { EventOf, ServerEvent, ServerEventType } from '@chatflow/protocol';
import type { ApiClient, Message } from '../api/client';
import { upsertConversation, type ChatStores } from './chatStores';
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
  outbox: Pick<Outbox, 'acknowledged'>;
  reads: Pick<ReadMarker, 'seesNow' | 'markRead'>;
}

/**
 * What a chat session does with each server event. `ready` and `error` are not here: the
 * RealtimeClient acts on them (catch-up; failing the message an error names).
 */
export function chatEventHandlers({ meId, api, stores, typing, outbox, reads }: ChatEventOptions): EventHandlers {
  const { conversations, messages, presence } = stores;

  function receiveMessage(message: Message): void {
    const conversationId = message.conversation_id;
    if (!conversations.getState().byId[conversationId]) {
      // A conversation we have not heard of (its conversation_created came before our list).
      void api.getConversation(conversationId).then(
        (conversation) => conversations.getState().upsert(conversation),
        () => undefined,
      );
      return;
    }
    if (messages.getState().threads[conversationId]?.loaded) messages.getState().merge(conversationId, [message]);
    const fromOther = message.sender_id !== meId;
    if (fromOther) typing.show(conversationId, message.sender_id, false);
    const seen = fromOther && reads.seesNow(conversationId);
    conversations.getState().applyMessage(message, fromOther && !seen);
    if (seen) reads.markRead(conversationId);
  }

  return {
    ack: (event) => {
      outbox.acknowledged(event.client_id);
      receiveMessage(event.message);
    },
    message: (event) => receiveMessage(event.message),
    conversation_created: (event) => upsertConversation(stores, meId, event.conversation),
    conversation_read: (event) => {
      // Read by me on another device: the badge goes; read by someone else: my ticks move.
      if (event.user_id === meId) conversations.getState().setUnread(event.conversation_id, 0);
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
