import type { ConversationChangeEvent } from '@chatflow/protocol';
import { ApiError, type ApiClient } from '../api/client';
import type { ChatStores } from './chatStores';
import type { Membership } from './membership';
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
  /** Whether the user is still in a conversation the list no longer has (or has again). */
  membership: Pick<Membership, 'check' | 'refused' | 'isIn'>;
}

/**
 * What a session missed while it was not connected. After every `ready` it refreshes the
 * chat list, then, for each chat whose thread is loaded and whose `last_event_seq` is past
 * the thread's, pages `GET /conversations/{id}/events` from the thread's number and hands
 * every change (new messages, edits, deletions, reactions) to the event router, the code path
 * of live events. Chats never opened take the list as it is: their history loads when opened.
 */
export function createCatchUp({ meId, api, stores, apply, onCaughtUp, membership }: CatchUpOptions) {
  const { conversations, messages, presence } = stores;

  /**
   * The server lists only the conversations the user is in. A chat held here that the list
   * lacks was left or removed while the socket was down (or created after the list was read),
   * and one held as departed that the list has again may have taken the user back: each is
   * checked before the catch-up goes on.
   */
  async function loadList(): Promise<void> {
    const list = await api.listConversations();
    const listed = new Set(list.map((c) => c.id));
    const doubtful = Object.keys(conversations.getState().byId).filter((id) => listed.has(id) !== membership.isIn(id));
    conversations.getState().setAll(list, doubtful);
    presence.getState().seed(list.flatMap((c) => c.participants).filter((u) => u.id !== meId));
    await Promise.all(doubtful.map((id) => membership.check(id)));
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
      if (error instanceof ApiError && error.status === 403) return membership.refused(conversationId, error);
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
        const behind = thread.loaded && listed && membership.isIn(id) && listed.last_event_seq > thread.eventSeq;
        return behind ? [[id, thread.eventSeq] as const] : [];
      });
      await Promise.all(behind.map(([id, after]) => follow(id, after)));
      onCaughtUp();
    } catch {
      // The next reconnect (or opening the chat) tries again; a 401 has already logged out.
    }
  }

  return {
    /** Refreshes the chat list from the server's (keeping what it shows that is newer, and the chats it no longer has). */
    loadList,
    /** A conversation's changes after `after`, through the event router. */
    follow,
    /** After every `ready`. */
    run,
  };
}

export type CatchUp = ReturnType<typeof createCatchUp>;
