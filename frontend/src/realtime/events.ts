import type { Conversation, Message } from '../api/client';

/** Frames the server sends on /ws (API.md, "Server → client"). */
export type ServerEvent =
  | { type: 'ready'; user_id: string }
  | { type: 'ack'; client_id: string | null; message: Message }
  | { type: 'message'; message: Message }
  | { type: 'typing'; conversation_id: string; user_id: string; is_typing: boolean }
  | { type: 'presence'; user_id: string; status: 'online' | 'offline'; last_seen_at: string | null }
  | { type: 'conversation_delivered'; conversation_id: string; user_id: string; last_delivered_timestamp: string }
  | { type: 'conversation_read'; conversation_id: string; user_id: string; last_read_timestamp: string }
  | { type: 'conversation_created'; conversation: Conversation }
  | { type: 'error'; code: string; detail: string; client_id?: string };

/** Frames the client sends; on /ws each names its conversation. */
export type MessageFrame = { type: 'message'; conversation_id: string; content: string; client_id: string };
export type ClientFrame =
  | MessageFrame
  | { type: 'typing'; conversation_id: string; is_typing: boolean }
  | { type: 'read'; conversation_id: string };

const SERVER_EVENT_TYPES = new Set<string>([
  'ready',
  'ack',
  'message',
  'typing',
  'presence',
  'conversation_delivered',
  'conversation_read',
  'conversation_created',
  'error',
]);

/** Parses a text frame; anything that is not a known event is ignored (the protocol may grow). */
export function parseServerEvent(data: unknown): ServerEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const event: unknown = JSON.parse(data);
    if (typeof event === 'object' && event !== null && SERVER_EVENT_TYPES.has((event as { type?: string }).type ?? '')) {
      return event as ServerEvent;
    }
  } catch {
    // Not JSON: nothing the client can act on.
  }
  return null;
}
