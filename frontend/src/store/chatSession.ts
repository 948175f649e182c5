import { isSingleEmoji, type ClientFrame } from '@chatflow/protocol';
import type { ProfileUpdate } from '@chatflow/protocol';
import type { ApiClient, ChatSettingsChange, Conversation, Message, Role, User } from '../api/client';
import { xhrUploader, type Uploader } from '../api/upload';
import { captionContent, sendableContent } from '../lib/text';
import { firstUnread } from '../lib/unread';
import { RealtimeClient, type RealtimeOptions } from '../realtime/RealtimeClient';
import { createCatchUp } from './catchUp';
import { createDraftsStore } from './drafts';
import { applyChangedMessage, createChatStores, upsertConversation } from './chatStores';
import { readOnlyReason } from './conversations';
import { chatEventHandlers, createEventRouter } from './eventRouter';
import { createMembership } from './membership';
import { PAGE_SIZE } from './messages';

/** Messages loaded on each side of one that search jumps to. */
const AROUND = 25;
import { createOutbox, type OutgoingFiles } from './outbox';
import type { OutboxStorage } from './outboxStorage';
import { createReadMarker } from './readMarker';
import { createTyping } from './typing';

export interface ChatSessionOptions {
  api: ApiClient;
  me: User;
  socketUrl: string;
  token: () => string | null;
  onUnauthorized: NonNullable<RealtimeOptions['onUnauthorized']>;
  /** Whether the user can see the open chat: the tab is visible and focused. */
  attentive?: () => boolean;
  newClientId?: () => string;
  /** Keeps unacknowledged messages across a reload (the app: IndexedDB, per user); without it they last as long as the page. */
  outboxStorage?: OutboxStorage;
  realtime?: Partial<RealtimeOptions>;
  /** The user changed their own name or picture on another device. */
  onOwnProfile?: (profile: ProfileUpdate) => void;
  /** Sends a file to POST /attachments (the app: XMLHttpRequest, for its progress). */
  uploader?: Uploader;
}

/** The largest history page the server gives. */
const MAX_PAGE_SIZE = 200;
/** Read messages loaded above the first unread one when a chat opens there. */
const UNREAD_CONTEXT = 20;
/** How many older pages opening a chat loads at most to reach its first unread message. */
const MAX_UNREAD_PAGES = 20;

/** Messages fetched again around one whose file links expired (the message and those just newer, likely expired too). */
const REFRESH_PAGE = 20;
/** A message's links are fetched again at most this often (a file that fails for another reason is not asked for in a loop). */
const REFRESH_EVERY_MS = 60_000;

/** Why the user's messages still on their way to a conversation they are no longer in fail. */
export const NOT_A_PARTICIPANT = "You're no longer a participant";

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
  const drafts = createDraftsStore(me.id);

  const realtime = new RealtimeClient({
    url: options.socketUrl,
    token: options.token,
    onEvent: (event) => route(event),
    onReady: () => {
      void catchUp.run();
      void refreshBlocks();
    },
    onStateChange: (state, retryInMs, closeCode) => stores.connection.setState({ state, retryInMs, closeCode }),
    onSendFailed: (clientId, reason) => outbox.failed(clientId, reason),
    onUnauthorized: options.onUnauthorized,
    ...options.realtime,
  });
  const sendNow = (frame: ClientFrame) => realtime.sendNow(frame);

  const typing = createTyping({ presence: stores.presence, sendNow });
  const reads = createReadMarker({
    meId: me.id,
    conversations,
    messages,
    sendNow,
    postRead: api.markRead,
    attentive: options.attentive ?? documentAttentive,
  });
  const outbox = createOutbox({
    meId: me.id,
    conversations,
    messages,
    sendMessage: (frame) => realtime.sendMessage(frame),
    newClientId: options.newClientId ?? (() => crypto.randomUUID()),
    storage: options.outboxStorage,
  });
  const membership = createMembership({
    meId: me.id,
    api,
    stores,
    typing,
    abandon: (conversationId) => {
      for (const clientId of outbox.abandon(conversationId, NOT_A_PARTICIPANT)) realtime.cancel(clientId);
    },
  });
  const catchUp = createCatchUp({ meId: me.id, api, stores, apply: (event) => route(event), onCaughtUp: reads.markActiveRead, membership });
  /** Who hears of each message from someone else as it arrives live (notifications). */
  const incomingListeners = new Set<(message: Message) => void>();
  const route = createEventRouter(
    chatEventHandlers({
      meId: me.id,
      api,
      stores,
      typing,
      outbox,
      reads,
      membership,
      onIncoming: (message) => incomingListeners.forEach((listener) => listener(message)),
      onOwnProfile: options.onOwnProfile,
    }),
  );

  /** Why the user cannot write in a conversation now: they left it, were removed, or blocked its other person. */
  const readOnly = (conversationId: string) => readOnlyReason(conversations.getState(), conversationId, me.id);

  /** A request about one conversation: a 403 may mean the user is no longer in it (checked), then it fails as it did. */
  async function guarded<T>(conversationId: string, request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      await membership.refused(conversationId, error);
      throw error;
    }
  }

  async function refreshBlocks(): Promise<void> {
    try {
      conversations.getState().setBlocked((await api.listBlocks()).map((u) => u.id));
    } catch {
      // The next ready tries again.
    }
  }

  async function openConversation(id: string | null): Promise<void> {
    conversations.getState().setActive(id);
    if (!id) return;
    if (!messages.getState().threads[id]?.loaded) {
      // The page shows every change up to this number at least; changes that arrive while it
      // loads reach only the chat list, so the thread follows them from here once it is loaded.
      const from = eventSeqOf(id);
      // Enough of the newest messages to reach the first unread one, as far as one page goes.
      const limit = Math.min(MAX_PAGE_SIZE, Math.max(PAGE_SIZE, unreadOf(id) + UNREAD_CONTEXT));
      // A chat the user is no longer in has no history to load (403): it shows what it holds.
      const page = membership.isIn(id) ? await guarded(id, api.listMessages(id, { limit })).catch(onlyIfOut(id)) : [];
      messages.getState().setLatest(id, page, limit, from);
      if (membership.isIn(id) && eventSeqOf(id) > from) await catchUp.follow(id, from);
    }
    await loadFirstUnread(id);
  }

  function unreadOf(id: string): number {
    return conversations.getState().byId[id]?.unread_count ?? 0;
  }

  /** Older pages until the chat's first unread message is loaded (the chat opens there). */
  async function loadFirstUnread(id: string): Promise<void> {
    const missing = () => {
      const thread = messages.getState().threads[id];
      return Boolean(thread?.hasOlder) && unreadOf(id) > 0 && !firstUnread(thread?.items ?? [], unreadOf(id), me.id);
    };
    for (let pages = 0; pages < MAX_UNREAD_PAGES && missing(); pages += 1) {
      const before = messages.getState().threads[id]?.items;
      await loadOlder(id);
      if (messages.getState().threads[id]?.items === before) return;
    }
  }

  /** A failed request's answer when the user turned out not to be in the conversation: nothing; otherwise the failure. */
  function onlyIfOut(conversationId: string) {
    return (error: unknown): Message[] => {
      if (membership.isIn(conversationId)) throw error;
      return [];
    };
  }

  function eventSeqOf(conversationId: string): number {
    return conversations.getState().byId[conversationId]?.last_event_seq ?? 0;
  }

  async function loadOlder(id: string): Promise<void> {
    const thread = messages.getState().threads[id];
    if (!thread?.loaded || !thread.hasOlder || thread.loadingOlder || !membership.isIn(id)) return;
    const first = thread.items.find((m) => !m.local);
    if (!first) return;
    messages.getState().setLoadingOlder(id, true);
    try {
      const page = await guarded(id, api.listMessages(id, { before: first.id, limit: PAGE_SIZE }));
      messages.getState().prependOlder(id, page, PAGE_SIZE);
    } catch {
      messages.getState().setLoadingOlder(id, false);
    }
  }

  /**
   * Loads older pages until `messageId` is in the thread (a reply's quote was clicked);
   * false when the history ends first.
   */
  async function loadUntil(conversationId: string, messageId: string): Promise<boolean> {
    const has = () => messages.getState().threads[conversationId]?.items.some((m) => m.id === messageId) ?? false;
    while (!has()) {
      const before = messages.getState().threads[conversationId];
      if (!before?.hasOlder) return false;
      await loadOlder(conversationId);
      if (messages.getState().threads[conversationId]?.items === before.items) return false;
    }
    return true;
  }

  /**
   * Shows the conversation around a message search found (the message and up to a page
   * before and after it), unless the thread already holds it. Below a gap to the newest,
   * newer pages follow as the reader scrolls down (loadNewer).
   */
  async function showMessage(conversationId: string, message: Message): Promise<void> {
    conversations.getState().setActive(conversationId);
    if (messages.getState().threads[conversationId]?.items.some((m) => m.id === message.id)) return;
    const from = eventSeqOf(conversationId);
    const [before, after] = await Promise.all([
      guarded(conversationId, api.listMessages(conversationId, { before: message.id, limit: AROUND })),
      guarded(conversationId, api.listMessages(conversationId, { after: message.id, limit: AROUND })),
    ]);
    messages.getState().showAround(conversationId, [...before, message, ...after], before.length >= AROUND, after.length >= AROUND, from);
    if (eventSeqOf(conversationId) > from) await catchUp.follow(conversationId, from);
  }

  async function loadNewer(id: string): Promise<void> {
    const thread = messages.getState().threads[id];
    if (!thread?.hasNewer || thread.loadingOlder || !membership.isIn(id)) return;
    const last = thread.items.findLast((m) => !m.local);
    if (!last) return;
    messages.getState().setLoadingOlder(id, true);
    try {
      const page = await guarded(id, api.listMessages(id, { after: last.id, limit: PAGE_SIZE }));
      messages.getState().appendNewer(id, page, PAGE_SIZE);
    } finally {
      messages.getState().setLoadingOlder(id, false);
    }
  }

  /** Back to the newest page (a message sent from a thread shown around an older one goes below it). */
  async function showLatest(id: string): Promise<void> {
    const from = eventSeqOf(id);
    messages.getState().setLatest(id, await guarded(id, api.listMessages(id, { limit: PAGE_SIZE })), PAGE_SIZE, from);
    if (eventSeqOf(id) > from) await catchUp.follow(id, from);
  }

  /** Sends text, or files (uploaded already) with `text` as their caption. */
  function send(conversationId: string, text: string, replyTo?: Message, files?: OutgoingFiles): void {
    const withFiles = files && files.attachments.length > 0 ? files : undefined;
    const content = withFiles ? captionContent(text) : sendableContent(text);
    if (content === null || readOnly(conversationId)) return;
    if (messages.getState().threads[conversationId]?.hasNewer) void showLatest(conversationId).catch(() => undefined);
    typing.sendStopped(conversationId);
    outbox.send(conversationId, content, replyTo, withFiles);
  }

  /** The user's change to a message: the server's answer shows at once (its event may come later, or not at all on a repeat). */
  async function change(conversationId: string, request: Promise<Message>): Promise<void> {
    applyChangedMessage(stores, await guarded(conversationId, request));
  }

  /** The user's change to a group: the server's answer shows at once (its conversation_updated follows). */
  async function manage(conversationId: string, request: Promise<Conversation>): Promise<void> {
    upsertConversation(stores, me.id, await guarded(conversationId, request));
  }

  async function leaveGroup(conversationId: string): Promise<void> {
    await guarded(conversationId, api.leaveGroup(conversationId));
    membership.departed(conversationId, 'left');
  }

  async function setBlock(userId: string, blocked: boolean): Promise<void> {
    await (blocked ? api.block(userId) : api.unblock(userId));
    conversations.getState().setBlock(userId, blocked);
  }

  async function createConversation(body: { participant_ids: string[]; is_group_chat: boolean; name?: string }): Promise<Conversation> {
    const conversation = await api.createConversation(body);
    upsertConversation(stores, me.id, conversation);
    return conversation;
  }

  /** message id → when its links were last fetched again. */
  const refreshedAt = new Map<string, number>();

  /**
   * A picture or file of a stored message failed to load: its signed URLs have likely expired
   * (they last minutes). The message is fetched again — with the page of history that starts
   * at it, since its neighbours' links were signed as long ago — and the fresh copies replace
   * those held. False when it was fetched again too recently to try (or cannot be).
   */
  async function refreshAttachments(conversationId: string, messageId: string): Promise<boolean> {
    const now = Date.now();
    if (now - (refreshedAt.get(messageId) ?? -Infinity) < REFRESH_EVERY_MS) return false;
    const items = messages.getState().threads[conversationId]?.items.filter((m) => !m.local) ?? [];
    const index = items.findIndex((m) => m.id === messageId);
    if (index < 0 || !membership.isIn(conversationId)) return false;
    refreshedAt.set(messageId, now);
    const previous = items[index - 1];
    const next = items[index + 1];
    // The page that holds it: from just after the one before it, or up to the one after it, or the newest.
    const query = previous ? { after: previous.id, limit: REFRESH_PAGE } : next ? { before: next.id, limit: REFRESH_PAGE } : { limit: REFRESH_PAGE };
    try {
      const page = await guarded(conversationId, api.listMessages(conversationId, query));
      for (const fresh of page) refreshedAt.set(fresh.id, now);
      messages.getState().applyChanges(conversationId, page);
      return page.some((m) => m.id === messageId);
    } catch {
      return false;
    }
  }

  let stopped = false;
  return {
    stores,
    /** What the user has typed and not sent, per chat (kept across reloads). */
    drafts,
    start: (): void => {
      realtime.start();
      // Messages a previous page left unsent come back once the list is there to show them in.
      void catchUp
        .loadList()
        .catch(() => undefined)
        .then(() => (stopped ? undefined : outbox.restore()));
    },
    stop: (): void => {
      stopped = true;
      realtime.stop();
      typing.stop();
    },
    /** Skips the rest of the reconnect backoff (the browser is back online). */
    reconnectNow: () => realtime.reconnectNow(),
    openConversation,
    showMessage,
    loadOlder,
    loadNewer,
    showLatest,
    /** Messages the user can read holding every word of `q`, newest first: in one conversation, or in all. */
    searchMessages: (q: string, options: { conversationId?: string; before?: string; limit?: number } = {}) =>
      api.searchMessages({ q: q.trim(), conversation_id: options.conversationId, before: options.before, limit: options.limit ?? 20 }),
    loadUntil,
    send,
    /** Uploads a file for the next message (POST /attachments). */
    upload: options.uploader ?? xhrUploader({ getToken: options.token, onUnauthorized: () => options.onUnauthorized('expired') }),
    refreshAttachments,
    retry: (conversationId: string, clientId: string) => {
      if (!readOnly(conversationId)) outbox.retry(conversationId, clientId);
    },
    /** Replaces the text of one of the user's messages (within the edit window); rejects with the server's refusal. */
    edit: (conversationId: string, messageId: string, text: string) => {
      const content = sendableContent(text);
      return content === null ? Promise.resolve() : change(conversationId, api.editMessage(conversationId, messageId, { content }));
    },
    /** Deletes one of the user's messages for everyone. */
    deleteMessage: (conversationId: string, messageId: string) => change(conversationId, api.deleteMessage(conversationId, messageId)),
    /** The user's one reaction to a message (a new one replaces theirs): a single emoji, as the server takes. */
    react: (conversationId: string, messageId: string, emoji: string) =>
      isSingleEmoji(emoji)
        ? change(conversationId, api.react(conversationId, messageId, emoji))
        : Promise.reject(new Error('A reaction is a single emoji')),
    /** Takes the user's reaction back. */
    unreact: (conversationId: string, messageId: string) => change(conversationId, api.unreact(conversationId, messageId)),
    typing: (conversationId: string) => {
      if (!readOnly(conversationId)) typing.sendTyping(conversationId);
    },
    stopTyping: (conversationId: string) => {
      if (membership.isIn(conversationId)) typing.sendStopped(conversationId);
    },
    markActiveRead: reads.markActiveRead,
    /** The open chat's view shows messages up to `seq`: they are read while the user can see them. */
    showing: reads.showing,
    createConversation,
    /** Renames a group (owner or admin). */
    renameGroup: (conversationId: string, name: string) => manage(conversationId, api.renameGroup(conversationId, { name: name.trim() })),
    /** Adds people to a group (owner or admin). */
    addMembers: (conversationId: string, userIds: string[]) => manage(conversationId, api.addMembers(conversationId, { user_ids: userIds })),
    /** Removes someone from a group (as the role rules allow). */
    removeMember: (conversationId: string, userId: string) => manage(conversationId, api.removeMember(conversationId, userId)),
    /** Makes a member an admin, or an admin a member (the owner). */
    changeRole: (conversationId: string, userId: string, role: Exclude<Role, 'owner'>) =>
      manage(conversationId, api.changeRole(conversationId, userId, { role })),
    /** The user leaves a group: it stays in the list, read-only ("You left"). */
    leaveGroup,
    /** Takes a chat the user is no longer in off the list. */
    forgetConversation: (conversationId: string) => conversations.getState().forget(conversationId),
    block: (userId: string) => setBlock(userId, true),
    unblock: (userId: string) => setBlock(userId, false),
    /** Changes the user's own settings of a chat (mute, pin, archive, mark unread); rejects with the server's refusal (409: pinned enough). */
    changeChatSettings: async (conversationId: string, change: ChatSettingsChange) => {
      conversations.getState().applySettings(await api.changeChatSettings(conversationId, change));
    },
    /** Marks a chat read from the chat list, without opening it. */
    markRead: (conversationId: string) => reads.readAll(conversationId),
    /** Calls `listener` with each message from someone else as it arrives live; returns the unsubscribe. */
    onIncoming: (listener: (message: Message) => void) => {
      incomingListeners.add(listener);
      return () => void incomingListeners.delete(listener);
    },
    searchUsers: (q: string) => api.listUsers({ q: q.trim() || undefined, limit: 50 }),
    updateProfile: (body: { full_name?: string | null; avatar_url?: string | null }) => api.updateMe(body),
  };
}

export type ChatSession = ReturnType<typeof createChatSession>;
