import { createStore, type StoreApi } from 'zustand';
import type { Message } from '../api/client';
import { requote, supersedes } from '../lib/messages';

/** A message as the window shows it: a stored one, or one of ours on its way (`local`). */
export interface ChatMessage extends Message {
  local?: 'sending' | 'failed';
  error?: string;
  /**
   * Our own message on its way: its pictures as this page picked them (attachment id → object
   * URL), shown until the server's copy replaces it. Never stored (they die with the page).
   */
  previews?: Record<string, string>;
}

export interface Thread {
  items: ChatMessage[];
  /** The newest page has been fetched: live events and catch-up pages now extend it. */
  loaded: boolean;
  /** Whether older messages may exist on the server (the last `before` page was full). */
  hasOlder: boolean;
  /**
   * The thread shows history around a message found by search, not up to the newest: newer
   * messages are paged in with `after` as the reader scrolls down, and live ones wait in
   * `held` until the pages reach them.
   */
  hasNewer?: boolean;
  held?: Message[];
  loadingOlder: boolean;
  /**
   * The newest change (`event_seq`) this thread has applied with none missing before it: the
   * point a catch-up pages the conversation's events from.
   */
  eventSeq: number;
}

export interface MessagesState {
  threads: Record<string, Thread>;
  /** The newest page (first load of a conversation), as of change `eventSeq` or later. */
  setLatest: (conversationId: string, page: Message[], limit: number, eventSeq: number) => void;
  /** A `before` page: older messages go on top. */
  prependOlder: (conversationId: string, page: Message[], limit: number) => void;
  setLoadingOlder: (conversationId: string, loading: boolean) => void;
  /** History around a message (search jumped to it): replaces what is held; `hasNewer` while it does not reach the newest. */
  showAround: (conversationId: string, page: Message[], hasOlder: boolean, hasNewer: boolean, eventSeq: number) => void;
  /** An `after` page below a thread shown around a message; a short one reaches the newest, and the held live messages join. */
  appendNewer: (conversationId: string, page: Message[], limit: number) => void;
  /** New messages (live, acks, catch-up): deduplicated by id, replacing our own pending copy; the newest version wins. */
  merge: (conversationId: string, messages: Message[]) => void;
  /**
   * Edited, deleted or re-reacted messages: each replaces the copy held unless that one is
   * newer, and the replies that quote it follow. One not held is not added (it is older than
   * what is loaded, or never was).
   */
  applyChanges: (conversationId: string, messages: Message[]) => void;
  /** Change `eventSeq` has been applied: the thread's number moves on if it was the next one. */
  eventApplied: (conversationId: string, eventSeq: number) => void;
  /** Every change up to `eventSeq` has been applied (a catch-up read them all from the server). */
  caughtUp: (conversationId: string, eventSeq: number) => void;
  addPending: (message: ChatMessage) => void;
  setLocal: (conversationId: string, clientId: string, local: 'sending' | 'failed', error?: string) => void;
}

export type MessagesStore = StoreApi<MessagesState>;

/** Messages in a history page: a chat's newest, and each older one. */
export const PAGE_SIZE = 50;

const EMPTY: Thread = { items: [], loaded: false, hasOlder: false, loadingOlder: false, eventSeq: 0 };

/**
 * Inserts stored messages in conversation order. Pages and live events each arrive in order;
 * a catch-up page can still land after a live message that is newer than it, so a message
 * goes after the last stored one not newer than it. Pending messages stay at the bottom.
 * A message already held is replaced by a copy at least as new (never rolled back).
 */
function mergeInto(items: ChatMessage[], incoming: Message[]): ChatMessage[] {
  let result = [...items];
  const changed: Message[] = [];
  for (const message of incoming) {
    const sameId = result.findIndex((m) => m.id === message.id);
    if (sameId >= 0) {
      const existing = result[sameId] as ChatMessage;
      const status = higher(existing.status, message.status);
      if (!supersedes(message, existing)) {
        result[sameId] = { ...existing, status };
        continue;
      }
      if (message.version > existing.version) changed.push(message);
      result[sameId] = { ...existing, ...message, status };
      continue;
    }
    if (message.client_id) {
      result = result.filter((m) => !(m.local && m.client_id === message.client_id && m.sender_id === message.sender_id));
    }
    const at = Date.parse(message.created_at);
    let index = result.length;
    while (index > 0) {
      const before = result[index - 1] as ChatMessage;
      if (!before.local && Date.parse(before.created_at) <= at) break;
      index -= 1;
    }
    result.splice(index, 0, message);
  }
  return requoteAll(result, changed);
}

/** Changes to messages held, never adding one; the replies quoting a changed message follow it. */
function changeIn(items: ChatMessage[], changes: Message[]): ChatMessage[] {
  let result = items;
  const changed: Message[] = [];
  for (const message of changes) {
    const held = result.find((m) => m.id === message.id);
    if (held && !supersedes(message, held)) continue;
    changed.push(message);
    if (held) result = result.map((m) => (m === held ? { ...held, ...message, status: higher(held.status, message.status) } : m));
  }
  return requoteAll(result, changed);
}

function requoteAll(items: ChatMessage[], changed: Message[]): ChatMessage[] {
  if (!changed.length) return items;
  return items.map((item) => changed.reduce((message, target) => requote(message, target), item));
}

const RANK = { sent: 0, delivered: 1, read: 2 } as const;
function higher(a: Message['status'], b: Message['status']): Message['status'] {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The message threads of one session, by conversation. */
export function createMessagesStore(): MessagesStore {
  return createStore<MessagesState>()((set) => {
    const update = (conversationId: string, change: (thread: Thread) => Thread) =>
      set((state) => {
        const thread = state.threads[conversationId] ?? EMPTY;
        const next = change(thread);
        return next === thread ? state : { threads: { ...state.threads, [conversationId]: next } };
      });
    return {
      threads: {},
      setLatest: (conversationId, page, limit, eventSeq) =>
        update(conversationId, (thread) => ({
          ...thread,
          items: mergeInto(thread.items.filter((m) => m.local), page).sort(pendingLast),
          loaded: true,
          hasOlder: page.length >= limit,
          hasNewer: false,
          held: [],
          eventSeq,
        })),
      prependOlder: (conversationId, page, limit) =>
        update(conversationId, (thread) => {
          const known = new Set(thread.items.map((m) => m.id));
          return {
            ...thread,
            items: [...page.filter((m) => !known.has(m.id)), ...thread.items],
            hasOlder: page.length >= limit,
            loadingOlder: false,
          };
        }),
      setLoadingOlder: (conversationId, loadingOlder) => update(conversationId, (thread) => ({ ...thread, loadingOlder })),
      showAround: (conversationId, page, hasOlder, hasNewer, eventSeq) =>
        update(conversationId, (thread) => ({
          ...thread,
          items: mergeInto(thread.items.filter((m) => m.local), page).sort(pendingLast),
          loaded: true,
          hasOlder,
          hasNewer,
          held: [],
          loadingOlder: false,
          eventSeq: Math.max(thread.eventSeq, eventSeq),
        })),
      appendNewer: (conversationId, page, limit) =>
        update(conversationId, (thread) => {
          const reached = page.length < limit;
          const items = mergeInto(thread.items, reached ? [...page, ...(thread.held ?? [])] : page);
          return { ...thread, items, hasNewer: !reached, held: reached ? [] : thread.held };
        }),
      merge: (conversationId, messages) =>
        update(conversationId, (thread) =>
          // Above a gap, a new message would land next to older ones: it waits for the pages below to reach it.
          thread.hasNewer
            ? { ...thread, held: [...(thread.held ?? []), ...messages] }
            : { ...thread, items: mergeInto(thread.items, messages) },
        ),
      applyChanges: (conversationId, messages) => update(conversationId, (thread) => ({ ...thread, items: changeIn(thread.items, messages) })),
      eventApplied: (conversationId, eventSeq) =>
        update(conversationId, (thread) => (eventSeq === thread.eventSeq + 1 ? { ...thread, eventSeq } : thread)),
      caughtUp: (conversationId, eventSeq) =>
        update(conversationId, (thread) => (eventSeq > thread.eventSeq ? { ...thread, eventSeq } : thread)),
      addPending: (message) =>
        update(message.conversation_id, (thread) => ({ ...thread, items: [...thread.items, message] })),
      setLocal: (conversationId, clientId, local, error) =>
        update(conversationId, (thread) => ({
          ...thread,
          items: thread.items.map((m) => (m.local && m.client_id === clientId ? { ...m, local, error } : m)),
        })),
    };
  });
}

function pendingLast(a: ChatMessage, b: ChatMessage): number {
  return Number(Boolean(a.local)) - Number(Boolean(b.local));
}
