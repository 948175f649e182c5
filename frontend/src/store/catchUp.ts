import type { ConversationChangeEvent } from '@chatflow/protocol';
import { ApiError, type ApiClient } from '../api/client';
import type { ChatStores } from './chatStores';
import { PAGE_SIZE } from './messages';

/** Changes per `events` page while catching up. */
export const EVENTS_PAGE_SIZE = 200;

export interface CatchUpOptions {
  meId: string;
  api: Pick<ApiClient, 'listConversations' | 'listEvents' | 'listMessages'>;
  stores: Pick<ChatStores, 'conversations' | 'messages' | 'presence'>;
  /** Where each missed change goes: the event router, as if it had arrived live. */
  apply: (event: ConversationChangeEvent) => void;
  /** Every loaded chat is up to date: the open one may now count as read. */
  onCaughtUp: () => void;
}

/**
 * What a session missed while it was not connected. After every `ready` it refreshes the
 * chat list, then, for each chat whose thread is loaded and whose `last_event_seq` is past
 * the thread's, pages `GET /conversations/{id}/events` from the thread's number and hands
 * every change (new messages, edits, deletions, reactions) to the event router, the code path
 * of live events. Chats never opened take the list as it is: their history loads when opened.
 */
export function createCatchUp({ meId, api, stores, apply, onCaughtUp }: CatchUpOptions) {
  const { conversations, messages, presence } = stores;

  async function loadList(): Promise<void> {
    const list = await api.listConversations();
    conversations.getState().setAll(list);
    presence.getState().seed(list.flatMap((c) => c.participants).filter((u) => u.id !== meId));
  }

  /**
   * Applies a conversation's changes after `after` until the server has no newer one. A
   * number the server no longer keeps (410) reloads the newest page instead.
   */
  async function follow(conversationId: string, after: number): Promise<void> {
    let cursor = after;
    try {
      for (;;) {
        const page = await api.listEvents(conversationId, { after: cursor, limit: EVENTS_PAGE_SIZE });
        for (const event of page.events) apply(event);
        const last = page.events[page.events.length - 1];
        if (!last) return;
        cursor = last.event_seq;
        messages.getState().caughtUp(conversationId, cursor);
        if (cursor >= page.last_event_seq) return;
      }
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 410)) throw error;
      const latest = conversations.getState().byId[conversationId]?.last_event_seq ?? cursor;
      messages.getState().setLatest(conversationId, await api.listMessages(conversationId, { limit: PAGE_SIZE }), PAGE_SIZE, latest);
    }
  }

  async function run(): Promise<void> {
    try {
      await loadList();
      const { threads } = messages.getState();
      const { byId } = conversations.getState();
      const behind = Object.entries(threads).flatMap(([id, thread]) => {
        const listed = byId[id];
        return thread.loaded && listed && listed.last_event_seq > thread.eventSeq ? [[id, thread.eventSeq] as const] : [];
      });
      await Promise.all(behind.map(([id, after]) => follow(id, after)));
      onCaughtUp();
    } catch {
      // The next reconnect (or opening the chat) tries again; a 401 has already logged out.
    }
  }

  return {
    /** Replaces the chat list with the server's (keeping what it shows that is newer). */
    loadList,
    /** A conversation's changes after `after`, through the event router. */
    follow,
    /** After every `ready`. */
    run,
  };
}

export type CatchUp = ReturnType<typeof createCatchUp>;
