import { createStore, type StoreApi } from 'zustand';

/**
 * What the user has typed and not sent, per chat. Kept in localStorage under the user's id, so
 * a draft survives switching chats and reloading, and another user of the browser does not see
 * it; logging out removes it (`forgetDrafts`). Drafts are the user's own unsent words, not a
 * credential: unlike the token they may stay on disk until then.
 */
export interface DraftsState {
  byConversation: Record<string, string>;
  /** The draft of a chat; an empty (or all-white-space) text removes it. */
  set: (conversationId: string, text: string) => void;
}

export type DraftsStore = StoreApi<DraftsState>;

const keyOf = (userId: string) => `chatflow.drafts.${userId}`;

function read(userId: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(keyOf(userId)) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

function write(userId: string, drafts: Record<string, string>): void {
  try {
    if (Object.keys(drafts).length) localStorage.setItem(keyOf(userId), JSON.stringify(drafts));
    else localStorage.removeItem(keyOf(userId));
  } catch {
    // Storage full or disabled: the drafts last as long as the page.
  }
}

export function createDraftsStore(userId: string): DraftsStore {
  return createStore<DraftsState>()((setState, get) => ({
    byConversation: read(userId),
    set: (conversationId, text) => {
      const current = get().byConversation;
      if ((current[conversationId] ?? '') === (text.trim() ? text : '')) return;
      const { [conversationId]: _, ...rest } = current;
      const byConversation = text.trim() ? { ...rest, [conversationId]: text } : rest;
      write(userId, byConversation);
      setState({ byConversation });
    },
  }));
}

/** Logging out: the user's drafts leave the browser with them. */
export function forgetDrafts(userId: string): void {
  try {
    localStorage.removeItem(keyOf(userId));
  } catch {
    // Nothing was stored.
  }
}
