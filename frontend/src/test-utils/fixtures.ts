import type { Attachment, Conversation, Message, Participant, User } from '../api/client';
import { PLAIN_MESSAGE } from '../lib/messages';

let counter = 0;
export function uuid(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: uuid(),
    username: 'me',
    email: 'me@example.com',
    full_name: 'Me Myself',
    avatar_url: null,
    created_at: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}

/** Another user as a PublicUser; in a conversation, a member unless `role` says otherwise. */
export function makePublicUser(overrides: Partial<Participant> = {}): Participant {
  return {
    id: uuid(),
    username: 'someone',
    full_name: 'Someone',
    avatar_url: null,
    is_online: false,
    last_seen_at: null,
    role: 'member',
    ...overrides,
  };
}

/** The user as others see them (a PublicUser), in a conversation as a member. */
export function asPublic(user: User, role: Participant['role'] = 'member'): Participant {
  return { id: user.id, username: user.username, full_name: user.full_name, avatar_url: user.avatar_url, is_online: true, last_seen_at: null, role };
}

export function makeMessage(overrides: Partial<Message> & Pick<Message, 'conversation_id' | 'sender_id'>): Message {
  return {
    ...PLAIN_MESSAGE,
    id: uuid(),
    seq: 1,
    content: 'hello',
    client_id: null,
    status: 'sent',
    created_at: '2026-11-24T10:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

export function makeConversation(overrides: Partial<Conversation> & Pick<Conversation, 'participants'>): Conversation {
  return {
    id: uuid(),
    name: null,
    is_group_chat: false,
    created_at: '2026-11-20T10:00:00.000Z',
    last_message_at: null,
    last_message: null,
    unread_count: 0,
    has_unread: false,
    last_event_seq: 0,
    ...overrides,
  };
}

/** A system message the server wrote for a change to a group. */
export function makeSystemMessage(
  conversationId: string,
  actorId: string,
  action: NonNullable<Message['system']>['action'],
  userIds: string[],
  overrides: Partial<Message> = {},
): Message {
  return makeMessage({
    conversation_id: conversationId,
    sender_id: actorId,
    kind: 'system',
    content: '',
    system: { action, actor_id: actorId, user_ids: userIds, name: null, role: null },
    ...overrides,
  });
}

/** A stored picture (pass content_type for other kinds; width/height/thumbnail_url are then null). */
export function makeAttachment(overrides: Partial<Attachment> = {}): Attachment {
  const id = overrides.id ?? uuid();
  const image = (overrides.content_type ?? 'image/jpeg').startsWith('image/');
  return {
    id,
    filename: 'photo.jpg',
    content_type: 'image/jpeg',
    size: 183_204,
    width: image ? 1280 : null,
    height: image ? 960 : null,
    url: `/attachments/${id}/original?expires=1&signature=a`,
    thumbnail_url: image ? `/attachments/${id}/thumbnail?expires=1&signature=a` : null,
    ...overrides,
  };
}
