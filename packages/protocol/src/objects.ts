/**
 * The objects events carry, as they travel (API.md, "Objects"). The server's response
 * classes implement these, so the OpenAPI document and the socket carry one shape.
 */

export type MessageStatus = 'sent' | 'delivered' | 'read';

export interface PublicUser {
  id: string;
  username: string;
  full_name: string | null;
  avatar_url: string | null;
  is_online: boolean;
  last_seen_at: string | null;
}

export interface Message {
  id: string;
  conversation_id: string;
  sender_id: string;
  content: string;
  client_id: string | null;
  status: MessageStatus;
  created_at: string;
}

export interface Conversation {
  id: string;
  name: string | null;
  is_group_chat: boolean;
  created_at: string;
  last_message_at: string | null;
  participants: PublicUser[];
  last_message: Message | null;
  unread_count: number;
  has_unread: boolean;
}
