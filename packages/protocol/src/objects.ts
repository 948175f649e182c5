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
  /** Present (true) for an account its owner deleted: clients show "Deleted account"; nobody can write to it. */
  deleted?: true;
}

/** The message a reply quotes, as it is now. */
export interface ReplyTo {
  id: string;
  sender_id: string;
  /** Its first REPLY_PREVIEW_CHARACTERS characters; "" once it is deleted. */
  preview: string;
  deleted: boolean;
}

export interface Reaction {
  emoji: string;
  count: number;
  /** Who reacted with it, earliest first. */
  user_ids: string[];
}

export interface Attachment {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  url: string;
  thumbnail_url: string | null;
}

export type SystemAction = 'member_added' | 'member_removed' | 'member_left' | 'renamed' | 'role_changed';

/** What a system message says happened; clients render it. */
export interface SystemNotice {
  action: SystemAction;
  actor_id: string;
  user_ids: string[];
  /** The new name of a `renamed` group; null otherwise. */
  name: string | null;
  /** The new role of a `role_changed` member (an extension of API.md); null otherwise. */
  role: Exclude<Role, 'owner'> | null;
}

export type Role = 'owner' | 'admin' | 'member';

/** A member of a conversation: their public profile and their role in it. */
export interface Participant extends PublicUser {
  /** A group's owner and admins manage it; in a one-on-one both are members. */
  role: Role;
}

export interface Message {
  id: string;
  conversation_id: string;
  /** Position in the conversation, increasing: the order of history. */
  seq: number;
  kind: 'user' | 'system';
  /** The author; for a system message, who acted. */
  sender_id: string;
  /** "" for a system message and once deleted. */
  content: string;
  client_id: string | null;
  status: MessageStatus;
  created_at: string;
  /** 1 when stored, +1 on every edit, deletion or reaction change: the newest version wins. */
  version: number;
  edited_at: string | null;
  deleted_at: string | null;
  reply_to: ReplyTo | null;
  /** Largest count first. */
  reactions: Reaction[];
  attachments: Attachment[];
  system: SystemNotice | null;
  /**
   * Only when the server cannot decrypt the stored content (a damaged row, a key no longer
   * configured): `content` is "" and the message shows as one that cannot be displayed.
   */
  unavailable?: true;
}

export interface Conversation {
  id: string;
  name: string | null;
  is_group_chat: boolean;
  created_at: string;
  last_message_at: string | null;
  participants: Participant[];
  last_message: Message | null;
  unread_count: number;
  has_unread: boolean;
  /** The number of the conversation's newest change: a client that applied less pages `events`. */
  last_event_seq: number;
}
