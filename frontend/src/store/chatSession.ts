import type { ClientFrame } from '@chatflow/protocol';
import type { ApiClient, Conversation, User } from '../api/client';
import { sendableContent } from '../lib/text';
import { RealtimeClient, type RealtimeOptions } from '../realtime/RealtimeClient';
import { createCatchUp } from './catchUp';
import { createChatStores, upsertConversation } from './chatStores';
import { chatEventHandlers, createEventRouter } from './eventRouter';
import { PAGE_SIZE } from './messages';
import { createOutbox } from './outbox';
import { createReadMarker } from './readMarker';
import { createTyping } from './typing';

export interface ChatSessionOptions {
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
 * One logged-in user's chat: its own stores, one RealtimeClient, and the pieces between them
 * (the event router, typing, the outbox, catch-up, the read marker). It feeds the stores
 * from REST and the socket; components call its commands and render its stores.
 */
export function createChatSession(options: ChatSessionOptions) {
  const { api, me } = options;
  const stores = createChatStores();
  const { conversations, messages } = stores;

  const realtime = new RealtimeClient({
    url: options.socketUrl,
    token: options.token,
    onEvent: (event) => route(event),
    onReady: () => void catchUp.run(),
    onStateChange: (state, retryInMs) => stores.connection.setState({ state, retryInMs }),
    onSendFailed: (clientId, reason) => outbox.failed(clientId, reason),
    onUnauthorized: options.onUnauthorized,
    ...options.realtime,
  });
  const sendNow = (frame: ClientFrame) => realtime.sendNow(frame);

  const typing = createTyping({ presence: stores.presence, sendNow });
  const reads = createReadMarker({ conversations, sendNow, postRead: api.markRead, attentive: options.attentive ?? documentAttentive });
  const outbox = createOutbox({
    meId: me.id,
    conversations,
    messages,
    sendMessage: (frame) => realtime.sendMessage(frame),
    newClientId: options.newClientId ?? (() => crypto.randomUUID()),
  });
  const catchUp = createCatchUp({ meId: me.id, api, stores, onCaughtUp: reads.markActiveRead });
  const route = createEventRouter(chatEventHandlers({ meId: me.id, api, stores, typing, outbox, reads }));

  async function openConversation(id: string | null): Promise<void> {
    conversations.getState().setActive(id);
    if (!id) return;
    reads.markActiveRead();
    if (messages.getState().threads[id]?.loaded) return;
    const page = await api.listMessages(id, { limit: PAGE_SIZE });
    messages.getState().setLatest(id, page, PAGE_SIZE);
  }

  async function loadOlder(id: string): Promise<void> {
    const thread = messages.getState().threads[id];
    if (!thread?.loaded || !thread.hasOlder || thread.loadingOlder) return;
    const first = thread.items.find((m) => !m.local);
    if (!first) return;
    messages.getState().setLoadingOlder(id, true);
    try {
      const page = await api.listMessages(id, { before: first.id, limit: PAGE_SIZE });
      messages.getState().prependOlder(id, page, PAGE_SIZE);
    } catch {
      messages.getState().setLoadingOlder(id, false);
    }
  }

  function send(conversationId: string, text: string): void {
    const content = sendableContent(text);
    if (content === null) return;
    typing.sendStopped(conversationId);
    outbox.send(conversationId, content);
  }

  async function createConversation(body: { participant_ids: string[]; is_group_chat: boolean; name?: string }): Promise<Conversation> {
    const conversation = await api.createConversation(body);
    upsertConversation(stores, me.id, conversation);
    return conversation;
  }

  return {
    stores,
    start: (): void => {
      realtime.start();
      void catchUp.loadList().catch(() => undefined);
    },
    stop: (): void => {
      realtime.stop();
      typing.stop();
    },
    /** Skips the rest of the reconnect backoff (the browser is back online). */
    reconnectNow: () => realtime.reconnectNow(),
    openConversation,
    loadOlder,
    send,
    retry: outbox.retry,
    typing: typing.sendTyping,
    stopTyping: typing.sendStopped,
    markActiveRead: reads.markActiveRead,
    createConversation,
    searchUsers: (q: string) => api.listUsers({ q: q.trim() || undefined, limit: 50 }),
    updateProfile: (body: { full_name?: string | null; avatar_url?: string | null }) => api.updateMe(body),
  };
}

export type ChatSession = ReturnType<typeof createChatSession>;
