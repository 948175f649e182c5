import type { ConversationDto } from '../conversations/dto/conversation.dto';
import type { MessageDto } from '../conversations/dto/message.dto';

/** Events the server sends on a WebSocket (API.md, "Server → client"). */
export type ServerEvent =
  | { type: 'ready'; user_id: string; conversation_id?: string }
  | { type: 'ack'; client_id: string | null; message: MessageDto }
  | { type: 'message'; message: MessageDto }
  | { type: 'typing'; conversation_id: string; user_id: string; is_typing: boolean }
  | { type: 'presence'; user_id: string; status: 'online' | 'offline'; last_seen_at: string | null }
  | { type: 'conversation_delivered'; conversation_id: string; user_id: string; last_delivered_timestamp: string }
  | { type: 'conversation_read'; conversation_id: string; user_id: string; last_read_timestamp: string }
  | { type: 'conversation_created'; conversation: ConversationDto }
  | { type: 'error'; code: ErrorCode; detail: string; client_id?: string };

export type ErrorCode =
  | 'invalid_json'
  | 'unknown_type'
  | 'invalid_frame'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'internal';

/**
 * What travels on the event bus between instances: an event and who it is for. Every
 * instance delivers it to its own connections of those users.
 */
export interface Envelope {
  /** Instance that published it. */
  origin: string;
  /** Users whose connections get the event. */
  users: string[];
  /** The conversation the event belongs to; conversation sockets only get their own. */
  conversationId?: string;
  /** For stored messages: position in the conversation's order, so every instance delivers in order. */
  seq?: number;
  /** For stored messages: the connection that sent it, which gets an `ack` instead of the `message`. */
  senderConnectionId?: string;
  event: ServerEvent;
}
