import type { ServerEvent } from '@chatflow/protocol';
import type { PersonalViews } from '../conversations/conversation-events';
import type { BusEnvelope } from '../platform/bus/event-bus';

/**
 * What travels on the event bus between instances: an event and who it is for. Every
 * instance delivers it to its own connections of those users.
 */
export interface Envelope extends BusEnvelope {
  /** Users whose connections get the event. */
  users: string[];
  /** The conversation the event belongs to; conversation sockets only get their own. */
  conversationId?: string;
  /** For changes of a conversation: its change number, so every instance delivers them in order. */
  eventSeq?: number;
  /** For new messages: the connection that sent it, which gets an `ack` instead of the `message`. */
  senderConnectionId?: string;
  /** A user whose connections do not get it (who typed, whose devices received). */
  except?: string;
  /** For a conversation created or updated: what differs per recipient (unread count, hidden presence). */
  personal?: PersonalViews;
  /** For `session_revoked`: the sessions whose connections get it, and are then closed with 4401. */
  sessionIds?: string[];
  event: ServerEvent;
}
