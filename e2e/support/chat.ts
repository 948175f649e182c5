import type { ConversationDto } from '../../backend/src/conversations/dto/conversation.dto';
import type { MessageDto } from '../../backend/src/conversations/dto/message.dto';
import type request from 'supertest';
import type { Response } from 'supertest';

/** supertest bound to one server: `TestApp.http`, or `() => request(baseUrl)` for a spawned instance. */
export type Http = () => ReturnType<typeof request>;

/** Whoever makes a request: a user id and its `Authorization` header value. */
export interface Caller {
  id: string;
  auth: string;
}

export type Conversation = ConversationDto;
export type Message = MessageDto;

/** The body of a response that must have `status`; otherwise the error names what came back instead. */
export function bodyOf<T>(res: Response, status: number): T {
  if (res.status !== status) throw new Error(`${res.request.method} ${res.request.url}: expected ${status}, got ${res.status} ${res.text}`);
  return res.body as T;
}

/**
 * The REST calls of conversations, groups that change and blocking (API.md v2), as one
 * caller makes them. Each returns the response, so a test checks the status it protects;
 * the `…Ok` ones assert success and return the body.
 */
export function chatApi(http: Http) {
  const conversation = (id: string) => `/conversations/${id}`;
  const api = {
    createGroup: (owner: Caller, members: Caller[], name = 'Group') =>
      http().post('/conversations/').set('Authorization', owner.auth).send({ participant_ids: members.map((m) => m.id), is_group_chat: true, name }),
    createDirect: (caller: Caller, other: Caller) =>
      http().post('/conversations/').set('Authorization', caller.auth).send({ participant_ids: [other.id] }),
    get: (caller: Caller, id: string) => http().get(conversation(id)).set('Authorization', caller.auth),
    list: (caller: Caller) => http().get('/conversations/').set('Authorization', caller.auth),
    send: (caller: Caller, id: string, content: string, extra: Record<string, unknown> = {}) =>
      http().post(`${conversation(id)}/messages`).set('Authorization', caller.auth).send({ content, ...extra }),
    messages: (caller: Caller, id: string, query: Record<string, string | number> = {}) =>
      http().get(`${conversation(id)}/messages`).query(query).set('Authorization', caller.auth),
    events: (caller: Caller, id: string, query: Record<string, string | number> = { after: 0 }) =>
      http().get(`${conversation(id)}/events`).query(query).set('Authorization', caller.auth),
    read: (caller: Caller, id: string) => http().post(`${conversation(id)}/read`).set('Authorization', caller.auth),
    edit: (caller: Caller, id: string, messageId: string, content: string) =>
      http().patch(`${conversation(id)}/messages/${messageId}`).set('Authorization', caller.auth).send({ content }),
    deleteMessage: (caller: Caller, id: string, messageId: string) =>
      http().delete(`${conversation(id)}/messages/${messageId}`).set('Authorization', caller.auth),
    react: (caller: Caller, id: string, messageId: string, emoji: string) =>
      http().put(`${conversation(id)}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`).set('Authorization', caller.auth),
    unreact: (caller: Caller, id: string, messageId: string) =>
      http().delete(`${conversation(id)}/messages/${messageId}/reactions`).set('Authorization', caller.auth),

    // Groups that change.
    rename: (caller: Caller, id: string, name: unknown) => http().patch(conversation(id)).set('Authorization', caller.auth).send({ name }),
    add: (caller: Caller, id: string, userIds: string[], field: 'user_ids' | 'participant_ids' = 'user_ids') =>
      http().post(`${conversation(id)}/participants`).set('Authorization', caller.auth).send({ [field]: userIds }),
    remove: (caller: Caller, id: string, userId: string) =>
      http().delete(`${conversation(id)}/participants/${userId}`).set('Authorization', caller.auth),
    setRole: (caller: Caller, id: string, userId: string, role: unknown) =>
      http().patch(`${conversation(id)}/participants/${userId}`).set('Authorization', caller.auth).send({ role }),
    leave: (caller: Caller, id: string) => http().post(`${conversation(id)}/leave`).set('Authorization', caller.auth),

    // Chat settings and profiles (extensions).
    settings: (caller: Caller, id: string, body: unknown) => http().patch(`${conversation(id)}/settings`).set('Authorization', caller.auth).send(body as object),
    updateMe: (caller: Caller, body: Record<string, unknown>) => http().patch('/users/me').set('Authorization', caller.auth).send(body),

    // Blocking.
    block: (caller: Caller, userId: string) => http().post(`/users/${userId}/block`).set('Authorization', caller.auth),
    unblock: (caller: Caller, userId: string) => http().delete(`/users/${userId}/block`).set('Authorization', caller.auth),
    blocks: (caller: Caller) => http().get('/users/me/blocks').set('Authorization', caller.auth),
    users: (caller: Caller, q: string) => http().get('/users/').query({ q }).set('Authorization', caller.auth),

    /** A new group of `owner` (its owner) and `members`; its id. */
    groupOf: async (owner: Caller, members: Caller[], name = 'Group'): Promise<string> =>
      bodyOf<Conversation>(await api.createGroup(owner, members, name), 201).id,
    /** The caller's conversations. */
    listOk: async (caller: Caller): Promise<Conversation[]> => bodyOf(await api.list(caller), 200),
    /** The conversation as `caller` sees it. */
    conversationOk: async (caller: Caller, id: string): Promise<Conversation> => bodyOf(await api.get(caller, id), 200),
    sendOk: async (caller: Caller, id: string, content: string, extra: Record<string, unknown> = {}): Promise<Message> =>
      bodyOf(await api.send(caller, id, content, extra), 201),
    /** One page of history as `caller` sees it. */
    messagesOk: async (caller: Caller, id: string, query: Record<string, string | number> = {}): Promise<Message[]> =>
      bodyOf(await api.messages(caller, id, query), 200),
    /** The change feed after `after`, in one page of up to 500. */
    eventsOk: async (caller: Caller, id: string, after = 0): Promise<{ events: Array<Record<string, any>>; last_event_seq: number }> =>
      bodyOf(await api.events(caller, id, { after, limit: 500 }), 200),
    addOk: async (caller: Caller, id: string, users: Caller[]): Promise<Conversation> =>
      bodyOf(await api.add(caller, id, users.map((u) => u.id)), 200),
    removeOk: async (caller: Caller, id: string, user: Caller): Promise<Conversation> => bodyOf(await api.remove(caller, id, user.id), 200),
    setRoleOk: async (caller: Caller, id: string, user: Caller, role: 'admin' | 'member'): Promise<Conversation> =>
      bodyOf(await api.setRole(caller, id, user.id, role), 200),
    leaveOk: async (caller: Caller, id: string): Promise<void> => void bodyOf(await api.leave(caller, id), 204),
    blockOk: async (caller: Caller, user: Caller): Promise<void> => void bodyOf(await api.block(caller, user.id), 204),
    unblockOk: async (caller: Caller, user: Caller): Promise<void> => void bodyOf(await api.unblock(caller, user.id), 204),
    /** How `viewer` sees `user` in `GET /users/`. */
    publicUserOk: async (viewer: Caller, user: { id: string; username: string }) => {
      const found = bodyOf<Array<{ id: string; is_online: boolean; last_seen_at: string | null }>>(await api.users(viewer, user.username), 200).find(
        (u) => u.id === user.id,
      );
      if (!found) throw new Error(`${user.username} is not in GET /users/`);
      return found;
    },
  };
  return api;
}

export type ChatApi = ReturnType<typeof chatApi>;

/** The role of each participant, by user id. */
export const rolesOf = (conversation: Conversation): Record<string, string> =>
  Object.fromEntries(conversation.participants.map((p) => [p.id, p.role]));

/** A system message's notice as the wire carries it (API.md v2). */
export const notice = (action: string, actorId: string, userIds: string[] = [], name: string | null = null, role: string | null = null) => ({
  action,
  actor_id: actorId,
  user_ids: userIds,
  name,
  role,
});
