import type { ApiClient, Message } from '../api/client';
import type { ChatStores } from './chatStores';
import { lastStoredId, PAGE_SIZE } from './messages';

/**
 * Pages a conversation's history forward from `afterId` until the server returns an empty
 * page, handing each page on as it arrives. Started after `ready`, this recovers every
 * message missed while disconnected exactly once (API.md: "Paging with after … until an
 * empty page returns every message it missed exactly once").
 */
export async function pageAfter(
  afterId: string,
  fetchPage: (after: string) => Promise<Message[]>,
  onPage: (messages: Message[]) => void,
): Promise<number> {
  let cursor = afterId;
  let total = 0;
  for (;;) {
    const page = await fetchPage(cursor);
    const last = page[page.length - 1];
    if (!last) return total;
    onPage(page);
    total += page.length;
    cursor = last.id;
  }
}

/** Messages per `after` page while catching up. */
export const CATCH_UP_PAGE_SIZE = 200;

export interface CatchUpOptions {
  meId: string;
  api: Pick<ApiClient, 'listConversations' | 'listMessages'>;
  stores: Pick<ChatStores, 'conversations' | 'messages' | 'presence'>;
  /** Every loaded chat is up to date: the open one may now count as read. */
  onCaughtUp: () => void;
}

/**
 * What a session missed while it was not connected. After every `ready` it refreshes the
 * chat list, then pages each chat already loaded forward from its newest stored message
 * until the server has nothing newer; chats never opened wait until they are.
 */
export function createCatchUp({ meId, api, stores, onCaughtUp }: CatchUpOptions) {
  const { conversations, messages, presence } = stores;

  async function loadList(): Promise<void> {
    const list = await api.listConversations();
    conversations.getState().setAll(list);
    presence.getState().seed(list.flatMap((c) => c.participants).filter((u) => u.id !== meId));
  }

  async function pageForward(conversationId: string, after: string | null): Promise<void> {
    const merge = (page: Message[]) => messages.getState().merge(conversationId, page);
    // Loaded with nothing stored yet (empty, or only messages on their way): the newest page.
    if (!after) {
      merge(await api.listMessages(conversationId, { limit: PAGE_SIZE }));
      return;
    }
    await pageAfter(after, (cursor) => api.listMessages(conversationId, { after: cursor, limit: CATCH_UP_PAGE_SIZE }), merge);
  }

  async function run(): Promise<void> {
    // Cursors first: a live message merged while the list loads would move a chat's newest
    // stored id past the messages it missed.
    const cursors = Object.entries(messages.getState().threads)
      .filter(([, thread]) => thread.loaded)
      .map(([id, thread]) => [id, lastStoredId(thread)] as const);
    try {
      await loadList();
      await Promise.all(cursors.map(([conversationId, after]) => pageForward(conversationId, after)));
      onCaughtUp();
    } catch {
      // The next reconnect (or opening the chat) tries again; a 401 has already logged out.
    }
  }

  return {
    /** Replaces the chat list with the server's (keeping newer previews of our own). */
    loadList,
    /** After every `ready`. */
    run,
  };
}

export type CatchUp = ReturnType<typeof createCatchUp>;
