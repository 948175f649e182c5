import type { ErrorCode } from './codes.js';
import type { Conversation, Message } from './objects.js';

/**
 * Events the server sends (API.md, "Server → client"). Those that change a conversation
 * carry its change number, `event_seq`: a client applies them in that order, and pages
 * `GET /conversations/{id}/events?after=` for the ones it missed.
 */
export type ServerEvent =
  | { type: 'ready'; user_id: string; conversation_id?: string }
  | { type: 'ack'; client_id: string | null; message: Message; event_seq: number }
  | { type: 'message'; message: Message; event_seq: number }
  | { type: 'message_updated'; conversation_id: string; event_seq: number; message: Message }
  | { type: 'message_deleted'; conversation_id: string; event_seq: number; message: Message }
  | { type: 'typing'; conversation_id: string; user_id: string; is_typing: boolean }
  | { type: 'presence'; user_id: string; status: 'online' | 'offline'; last_seen_at: string | null }
  | { type: 'conversation_delivered'; conversation_id: string; user_id: string; last_delivered_timestamp: string }
  /** `last_read_seq` (extension): the `seq` of the newest message that reader has read. */
  | { type: 'conversation_read'; conversation_id: string; user_id: string; last_read_timestamp: string; last_read_seq?: number }
  | { type: 'conversation_created'; conversation: Conversation }
  | { type: 'conversation_updated'; conversation_id: string; event_seq: number; conversation: Conversation }
  | { type: 'conversation_removed'; conversation_id: string }
  /** The connection's session was logged out or revoked: the server closes it with 4401 next. */
  | { type: 'session_revoked' }
  | { type: 'error'; code: ErrorCode; detail: string; client_id?: string };

export type ServerEventType = ServerEvent['type'];

/** The events that change a conversation: what the change feed returns, each at its `event_seq`. */
export type ConversationChangeEvent = EventOf<'message' | 'message_updated' | 'message_deleted' | 'conversation_updated'>;

/** The event of one type: `EventOf<'message'>`. */
export type EventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;

const SERVER_EVENTS: Record<ServerEventType, true> = {
  ready: true,
  ack: true,
  message: true,
  message_updated: true,
  message_deleted: true,
  typing: true,
  presence: true,
  conversation_delivered: true,
  conversation_read: true,
  conversation_created: true,
  conversation_updated: true,
  conversation_removed: true,
  session_revoked: true,
  error: true,
};

/** Every event type the server sends. */
export const SERVER_EVENT_TYPES = Object.keys(SERVER_EVENTS) as ServerEventType[];

/**
 * Reads a text frame from the server. Anything that is not a JSON object of a known type
 * is null: a client ignores what it does not know, so the protocol can grow.
 */
export function parseServerEvent(data: unknown): ServerEvent | null {
  if (typeof data !== 'string') return null;
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof event !== 'object' || event === null) return null;
  const type = (event as { type?: unknown }).type;
  return typeof type === 'string' && Object.hasOwn(SERVER_EVENTS, type) ? (event as ServerEvent) : null;
}
