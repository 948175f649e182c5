/** The fields of the wire objects (API.md, "Objects" and v2's "Objects, new fields"), sorted. */

export const MESSAGE_KEYS = [
  // v1
  'client_id',
  'content',
  'conversation_id',
  'created_at',
  'id',
  'sender_id',
  'status',
  // v2
  'attachments',
  'deleted_at',
  'edited_at',
  'kind',
  'reactions',
  'reply_to',
  'seq',
  'system',
  'version',
].sort();

export const CONVERSATION_KEYS = [
  // v1
  'created_at',
  'has_unread',
  'id',
  'is_group_chat',
  'last_message',
  'last_message_at',
  'name',
  'participants',
  'unread_count',
  // v2
  'last_event_seq',
  // extensions: who started it, and the caller's own settings of it
  'created_by',
  'muted_until',
  'pinned_at',
  'archived',
  'marked_unread',
  'settings_version',
].sort();

export const PUBLIC_USER_KEYS = ['avatar_url', 'full_name', 'id', 'is_online', 'last_seen_at', 'username'].sort();

/** A conversation's participant: a PublicUser and (v2) their role. */
export const PARTICIPANT_KEYS = [...PUBLIC_USER_KEYS, 'role'].sort();
