import type { ApiClient, Conversation, Message, User } from '../api/client';
import { sendableContent } from '../lib/text';
import { pageAfter } from '../realtime/catchUp';
import type { ServerEvent } from '@chatflow/protocol';
import { RealtimeClient, type RealtimeOptions } from '../realtime/RealtimeClient';
import { createChatStores } from './chatStores';
import { lastStoredId, type ChatMessage } from './messages';

export const PAGE_SIZE = 50;
export const CATCH_UP_PAGE_SIZE = 200;
/** Send `typing: true` at most this often while the user keeps typing. */
export const TYPING_THROTTLE_MS = 3_000;
/** Hide someone's "typing…" when no refresh came for this long. */
export const TYPING_EXPIRY_MS = 5_000;

export interface ChatServiceOptions {
  api: ApiClient;
  me: User;
  socketUrl: string;
  token: () => string | null;
  onUnauthorized: () => void;
  /** Whether the user can see the open chat: the tab is visible and focused. */
  attentive?: () => boolean;
  newClientId?: () => string;
  realtime?: Partial<RealtimeOptions>;
}

function documentAttentive(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

/**
 * The chat's behaviour: it feeds the stores from REST and the realtime stream, sends
 * optimistically, catches up after reconnects and decides when a chat counts as read.
 * Components call it and render the stores.
 */
export function createChatService(options: ChatServiceOptions) {
  const { api, me } = options;
  const attentive = options.attentive ?? documentAttentive;
  const newClientId = options.newClientId ?? (() => crypto.randomUUID());
  const stores = createChatStores();
  const conversations = stores.conversations.getState;
  const messages = stores.messages.getState;
  const presence = stores.presence.getState;
  const typingSentAt = new Map<string, number>();
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const frames = new Map<string, { conversationId: string; content: string }>();
  let stopped = false;

  const realtime = new RealtimeClient({
    url: options.socketUrl,
    token: options.token,
    onEvent: handle,
    onReady: () => void catchUp(),
    onStateChange: (state, retryInMs) => stores.connection.setState({ state, retryInMs }),
    onSendFailed: (clientId, reason) => {
      const frame = frames.get(clientId);
      if (frame) messages().setLocal(frame.conversationId, clientId, 'failed', reason);
    },
    onUnauthorized: options.onUnauthorized,
    ...options.realtime,
  });

  function handle(event: ServerEvent): void {
    switch (event.type) {
      case 'ack':
        frames.delete(event.client_id ?? '');
        receiveMessage(event.message);
        break;
      case 'message':
        receiveMessage(event.message);
        break;
      case 'conversation_created':
        conversations().upsert(event.conversation);
        presence().seed(event.conversation.participants.filter((u) => u.id !== me.id));
        break;
      case 'conversation_read':
        if (event.user_id === me.id) conversations().setUnread(event.conversation_id, 0);
        else conversations().receipt(event.conversation_id, event.user_id, 'read', event.last_read_timestamp);
        break;
      case 'conversation_delivered':
        conversations().receipt(event.conversation_id, event.user_id, 'delivered', event.last_delivered_timestamp);
        break;
      case 'presence':
        presence().set(event.user_id, { online: event.status === 'online', lastSeenAt: event.last_seen_at });
        break;
      case 'typing':
        if (event.user_id !== me.id) showTyping(event.conversation_id, event.user_id, event.is_typing);
        break;
      default:
        break;
    }
  }

  function receiveMessage(message: Message): void {
    const conversationId = message.conversation_id;
    if (!conversations().byId[conversationId]) {
      // A conversation we have not heard of (its conversation_created came before our list).
      void api.getConversation(conversationId).then((c) => conversations().upsert(c), ignore);
      return;
    }
    if (messages().threads[conversationId]?.loaded) messages().merge(conversationId, [message]);
    const fromOther = message.sender_id !== me.id;
    if (fromOther) showTyping(conversationId, message.sender_id, false);
    const seen = fromOther && conversations().activeId === conversationId && attentive();
    conversations().applyMessage(message, fromOther && !seen);
    if (seen) sendRead(conversationId);
  }

  function showTyping(conversationId: string, userId: string, isTyping: boolean): void {
    const key = `${conversationId}:${userId}`;
    const timer = typingTimers.get(key);
    if (timer) clearTimeout(timer);
    typingTimers.delete(key);
    if (!isTyping) {
      presence().setTyping(conversationId, userId, null);
      return;
    }
    presence().setTyping(conversationId, userId, Date.now() + TYPING_EXPIRY_MS);
    typingTimers.set(
      key,
      setTimeout(() => {
        typingTimers.delete(key);
        presence().setTyping(conversationId, userId, null);
      }, TYPING_EXPIRY_MS),
    );
  }

  async function loadConversations(): Promise<void> {
    const list = await api.listConversations();
    if (stopped) return;
    conversations().setAll(list);
    presence().seed(list.flatMap((c) => c.participants).filter((u) => u.id !== me.id));
  }

  /** After every `ready`: refresh the list, then page every loaded chat forward until empty. */
  async function catchUp(): Promise<void> {
    const cursors = Object.entries(messages().threads)
      .filter(([, thread]) => thread.loaded)
      .map(([id, thread]) => [id, lastStoredId(thread)] as const);
    try {
      await loadConversations();
      await Promise.all(
        cursors.map(async ([conversationId, after]) => {
          if (!after) {
            const page = await api.listMessages(conversationId, { limit: PAGE_SIZE });
            messages().merge(conversationId, page);
            return;
          }
          await pageAfter(
            after,
            (cursor) => api.listMessages(conversationId, { after: cursor, limit: CATCH_UP_PAGE_SIZE }),
            (page) => messages().merge(conversationId, page),
          );
        }),
      );
      markActiveRead();
    } catch {
      // The next reconnect (or opening the chat) tries again; a 401 has already logged out.
    }
  }

  function sendRead(conversationId: string): void {
    conversations().setUnread(conversationId, 0);
    if (!realtime.sendNow({ type: 'read', conversation_id: conversationId })) {
      void api.markRead(conversationId).catch(ignore);
    }
  }

  /** Marks the open chat read if it has unread messages and the user can see it. */
  function markActiveRead(): void {
    const id = conversations().activeId;
    const conversation = id ? conversations().byId[id] : undefined;
    if (conversation && conversation.unread_count > 0 && attentive()) sendRead(conversation.id);
  }

  async function openConversation(id: string | null): Promise<void> {
    conversations().setActive(id);
    if (!id) return;
    markActiveRead();
    if (messages().threads[id]?.loaded) return;
    const page = await api.listMessages(id, { limit: PAGE_SIZE });
    messages().setLatest(id, page, PAGE_SIZE);
  }

  async function loadOlder(id: string): Promise<void> {
    const thread = messages().threads[id];
    if (!thread?.loaded || !thread.hasOlder || thread.loadingOlder) return;
    const first = thread.items.find((m) => !m.local);
    if (!first) return;
    messages().setLoadingOlder(id, true);
    try {
      const page = await api.listMessages(id, { before: first.id, limit: PAGE_SIZE });
      messages().prependOlder(id, page, PAGE_SIZE);
    } catch {
      messages().setLoadingOlder(id, false);
    }
  }

  function send(conversationId: string, text: string): void {
    const content = sendableContent(text);
    if (content === null) return;
    stopTyping(conversationId);
    const clientId = newClientId();
    const pending: ChatMessage = {
      id: `local:${clientId}`,
      conversation_id: conversationId,
      sender_id: me.id,
      content,
      client_id: clientId,
      status: 'sent',
      created_at: new Date().toISOString(),
      local: 'sending',
    };
    frames.set(clientId, { conversationId, content });
    messages().addPending(pending);
    conversations().applyMessage(pending, false);
    realtime.sendMessage({ type: 'message', conversation_id: conversationId, content, client_id: clientId });
  }

  /** Sends a failed message again with the same client_id: the server stores it at most once. */
  function retry(conversationId: string, clientId: string): void {
    const pending = messages().threads[conversationId]?.items.find((m) => m.local && m.client_id === clientId);
    if (!pending) return;
    frames.set(clientId, { conversationId, content: pending.content });
    messages().setLocal(conversationId, clientId, 'sending');
    realtime.sendMessage({ type: 'message', conversation_id: conversationId, content: pending.content, client_id: clientId });
  }

  function typing(conversationId: string): void {
    const last = typingSentAt.get(conversationId);
    const now = Date.now();
    if (last !== undefined && now - last < TYPING_THROTTLE_MS) return;
    if (realtime.sendNow({ type: 'typing', conversation_id: conversationId, is_typing: true })) {
      typingSentAt.set(conversationId, now);
    }
  }

  function stopTyping(conversationId: string): void {
    if (!typingSentAt.has(conversationId)) return;
    typingSentAt.delete(conversationId);
    realtime.sendNow({ type: 'typing', conversation_id: conversationId, is_typing: false });
  }

  async function createConversation(body: { participant_ids: string[]; is_group_chat: boolean; name?: string }): Promise<Conversation> {
    const conversation = await api.createConversation(body);
    conversations().upsert(conversation);
    presence().seed(conversation.participants.filter((u) => u.id !== me.id));
    return conversation;
  }

  return {
    me,
    stores,
    start(): void {
      stopped = false;
      realtime.start();
      void loadConversations().catch(ignore);
    },
    stop(): void {
      stopped = true;
      realtime.stop();
      for (const timer of typingTimers.values()) clearTimeout(timer);
      typingTimers.clear();
    },
    reconnectNow: () => realtime.reconnectNow(),
    loadConversations,
    openConversation,
    loadOlder,
    send,
    retry,
    typing,
    stopTyping,
    markActiveRead,
    createConversation,
    searchUsers: (q: string) => api.listUsers({ q: q.trim() || undefined, limit: 50 }),
    updateProfile: (body: { full_name?: string | null; avatar_url?: string | null }) => api.updateMe(body),
  };
}

export type ChatService = ReturnType<typeof createChatService>;

function ignore(): void {}
