import { createStore, type StoreApi } from 'zustand';
import type { Message } from '../api/client';

/** A message as the window shows it: a stored one, or one of ours on its way (`local`). */
export interface ChatMessage extends Message {
  local?: 'sending' | 'failed';
  error?: string;
}

export interface Thread {
  items: ChatMessage[];
  /** The newest page has been fetched: live events and catch-up pages now extend it. */
  loaded: boolean;
  /** Whether older messages may exist on the server (the last `before` page was full). */
  hasOlder: boolean;
  loadingOlder: boolean;
}

export interface MessagesState {
  threads: Record<string, Thread>;
  /** The newest page (first load of a conversation). */
  setLatest: (conversationId: string, page: Message[], limit: number) => void;
  /** A `before` page: older messages go on top. */
  prependOlder: (conversationId: string, page: Message[], limit: number) => void;
  setLoadingOlder: (conversationId: string, loading: boolean) => void;
  /** Live events, acks and catch-up pages: deduplicated by id, replacing our own pending copy. */
  merge: (conversationId: string, messages: Message[]) => void;
  addPending: (message: ChatMessage) => void;
  setLocal: (conversationId: string, clientId: string, local: 'sending' | 'failed', error?: string) => void;
}

export type MessagesStore = StoreApi<MessagesState>;

/** Messages in a history page: a chat's newest, and each older one. */
export const PAGE_SIZE = 50;

const EMPTY: Thread = { items: [], loaded: false, hasOlder: false, loadingOlder: false };

function stored(items: ChatMessage[]): ChatMessage[] {
  return items.filter((m) => !m.local);
}

/** The newest stored message: the cursor a catch-up pages `after`. */
export function lastStoredId(thread: Thread | undefined): string | null {
  const items = thread ? stored(thread.items) : [];
  return items[items.length - 1]?.id ?? null;
}

/**
 * Inserts stored messages in conversation order. Pages and live events each arrive in order;
 * a catch-up page can still land after a live message that is newer than it, so a message
 * goes after the last stored one not newer than it. Pending messages stay at the bottom.
 */
function mergeInto(items: ChatMessage[], incoming: Message[]): ChatMessage[] {
  let result = [...items];
  for (const message of incoming) {
    const sameId = result.findIndex((m) => m.id === message.id);
    if (sameId >= 0) {
      const existing = result[sameId] as ChatMessage;
      result[sameId] = { ...existing, ...message, status: higher(existing.status, message.status) };
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
  return result;
}

const RANK = { sent: 0, delivered: 1, read: 2 } as const;
function higher(a: Message['status'], b: Message['status']): Message['status'] {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The message threads of one session, by conversation. */
export function createMessagesStore(): MessagesStore {
  return createStore<MessagesState>()((set) => {
    const update = (conversationId: string, change: (thread: Thread) => Thread) =>
      set((state) => ({
        threads: { ...state.threads, [conversationId]: change(state.threads[conversationId] ?? EMPTY) },
      }));
    return {
      threads: {},
      setLatest: (conversationId, page, limit) =>
        update(conversationId, (thread) => ({
          ...thread,
          items: mergeInto(thread.items.filter((m) => m.local), page).sort(pendingLast),
          loaded: true,
          hasOlder: page.length >= limit,
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
      merge: (conversationId, messages) => update(conversationId, (thread) => ({ ...thread, items: mergeInto(thread.items, messages) })),
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
