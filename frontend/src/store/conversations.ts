import { createStore, type StoreApi } from 'zustand';
import type { ProfileUpdate } from '@chatflow/protocol';
import type { ChatSettings, Conversation, Message, PublicUser } from '../api/client';
import { requote, supersedes } from '../lib/messages';
import type { Receipt } from '../lib/ticks';

/** How the user stopped being a participant of a conversation: removed by an admin, or they left. */
export type Departure = 'removed' | 'left';

export interface ConversationsState {
  byId: Record<string, Conversation>;
  loaded: boolean;
  activeId: string | null;
  /** Everyone met in a conversation, by id (for names and avatars). */
  users: Record<string, PublicUser>;
  /** conversation id → participant id → latest delivery and read receipts. */
  receipts: Record<string, Record<string, Receipt>>;
  /**
   * Conversations the user is no longer in: they stay in the list, read-only, for this session
   * (the server lists them no more, so a reload drops them).
   */
  departures: Record<string, Departure>;
  /** The users the user has blocked, by id. */
  blocked: Record<string, true>;
  /**
   * The server's list replaces the rows, but for those of conversations the user departed from
   * (the server lists them no more) and those in `keep` (the catch-up checks them).
   */
  setAll: (conversations: Conversation[], keep?: string[]) => void;
  upsert: (conversation: Conversation) => void;
  setActive: (id: string | null) => void;
  /** A message became the newest of its conversation; `unread` says whether it adds to the badge. */
  applyMessage: (message: Message, unread: boolean) => void;
  /** A message was edited, deleted or reacted to: the preview follows if it is the chat's last message, or quotes it. */
  applyChange: (message: Message) => void;
  /** The chat's row now reflects change `eventSeq` (`last_event_seq` never goes back). */
  eventApplied: (conversationId: string, eventSeq: number) => void;
  setUnread: (conversationId: string, count: number) => void;
  /** The user's own settings of a chat changed (here or on another device): the newest `settings_version` wins. */
  applySettings: (settings: ChatSettings) => void;
  /** Someone changed their name or picture: every row and every name that shows them follows. */
  applyProfile: (profile: ProfileUpdate) => void;
  receipt: (conversationId: string, userId: string, kind: keyof Receipt, at: string) => void;
  /** The user is no longer a participant; the first reason given stays (leaving, then being told so, is still leaving). */
  depart: (conversationId: string, how: Departure) => void;
  /** The user is a participant again (added back). */
  rejoined: (conversationId: string) => void;
  /** Takes a conversation the user departed from off the list ("Delete chat"). */
  forget: (conversationId: string) => void;
  setBlocked: (userIds: string[]) => void;
  setBlock: (userId: string, blocked: boolean) => void;
}

export type ConversationsStore = StoreApi<ConversationsState>;

function withUsers(users: Record<string, PublicUser>, conversations: Conversation[]): Record<string, PublicUser> {
  const next = { ...users };
  for (const conversation of conversations) for (const user of conversation.participants) next[user.id] = user;
  return next;
}

/**
 * Why the user cannot write in a conversation: they left it or were removed (a group), its
 * other person deleted their account or was blocked by the user (a one-on-one).
 */
export type ReadOnlyReason = Departure | 'deleted' | 'blocked';

/** Why the user cannot write in a conversation now, or null when they can. */
export function readOnlyReason(
  state: Pick<ConversationsState, 'byId' | 'departures' | 'blocked'>,
  conversationId: string,
  meId: string,
): ReadOnlyReason | null {
  const departure = state.departures[conversationId];
  if (departure) return departure;
  const conversation = state.byId[conversationId];
  const other = conversation && !conversation.is_group_chat ? conversation.participants.find((p) => p.id !== meId) : undefined;
  // The server ended the chat for good: unblocking would not open it again.
  if (other?.deleted) return 'deleted';
  return other && state.blocked[other.id] ? 'blocked' : null;
}

/** When a row last had activity: its last message, or its creation. */
export function activityOf(conversation: Conversation): string {
  return conversation.last_message?.created_at ?? conversation.last_message_at ?? conversation.created_at;
}

/** Pinned chats on top (the latest pinned first), then the most recent activity first, as WhatsApp orders its chat list. */
export function sortConversations(conversations: Conversation[]): Conversation[] {
  const pinned = (c: Conversation) => (c.pinned_at ? Date.parse(c.pinned_at) : 0);
  return [...conversations].sort(
    (a, b) => pinned(b) - pinned(a) || Date.parse(activityOf(b)) - Date.parse(activityOf(a)) || a.id.localeCompare(b.id),
  );
}

/** Whether a chat is muted now (a mute that ran out is none). */
export function isMuted(conversation: Pick<Conversation, 'muted_until'>, now = Date.now()): boolean {
  return conversation.muted_until != null && Date.parse(conversation.muted_until) > now;
}

/** Whether a chat counts as unread: messages the user has not read, or marked unread by them. */
export function isUnread(conversation: Pick<Conversation, 'unread_count' | 'marked_unread'>): boolean {
  return conversation.unread_count > 0 || conversation.marked_unread === true;
}

/**
 * Whether the chat list shows a conversation: a one-on-one someone else started stays out of
 * it until its first message, as on WhatsApp (a chat the user is in without a word said is
 * not theirs to see yet).
 */
export function isListed(conversation: Conversation, meId: string): boolean {
  if (conversation.is_group_chat || conversation.last_message) return true;
  return conversation.created_by == null || conversation.created_by === meId;
}

/** The chat list of one session: the conversations, the open one, who is in them and their receipts. */
export function createConversationsStore(): ConversationsStore {
  return createStore<ConversationsState>()((set) => ({
    byId: {},
    loaded: false,
    activeId: null,
    users: {},
    receipts: {},
    departures: {},
    blocked: {},
    setAll: (conversations, keep = []) =>
      set((state) => {
        const byId = Object.fromEntries(conversations.map((c) => [c.id, keepNewerPreview(state.byId[c.id], c)]));
        for (const id of [...Object.keys(state.departures), ...keep]) {
          const kept = state.byId[id];
          if (kept && !byId[id]) byId[id] = kept;
        }
        return { byId, users: withUsers(state.users, conversations), loaded: true };
      }),
    upsert: (conversation) =>
      set((state) => ({
        byId: { ...state.byId, [conversation.id]: keepNewerPreview(state.byId[conversation.id], conversation) },
        users: withUsers(state.users, [conversation]),
      })),
    setActive: (activeId) => set({ activeId }),
    applyMessage: (message, unread) =>
      set((state) => {
        const conversation = state.byId[message.conversation_id];
        if (!conversation) return state;
        const previous = conversation.last_message;
        if (previous?.id === message.id && !supersedes(message, previous)) return state;
        const newer =
          !previous ||
          previous.id === message.id ||
          (previous.client_id !== null && previous.client_id === message.client_id) ||
          Date.parse(message.created_at) >= Date.parse(previous.created_at);
        const unread_count = conversation.unread_count + (unread ? 1 : 0);
        const next: Conversation = {
          ...conversation,
          last_message: newer ? message : previous,
          last_message_at: newer ? message.created_at : conversation.last_message_at,
          unread_count,
          has_unread: unread_count > 0,
        };
        return { byId: { ...state.byId, [conversation.id]: next } };
      }),
    applyChange: (message) =>
      set((state) => {
        const conversation = state.byId[message.conversation_id];
        const previous = conversation?.last_message;
        if (!conversation || !previous) return state;
        const last = previous.id === message.id ? (supersedes(message, previous) ? message : previous) : requote(previous, message);
        if (last === previous) return state;
        return { byId: { ...state.byId, [conversation.id]: { ...conversation, last_message: last } } };
      }),
    eventApplied: (conversationId, eventSeq) =>
      set((state) => {
        const conversation = state.byId[conversationId];
        if (!conversation || conversation.last_event_seq >= eventSeq) return state;
        return { byId: { ...state.byId, [conversationId]: { ...conversation, last_event_seq: eventSeq } } };
      }),
    setUnread: (conversationId, count) =>
      set((state) => {
        const conversation = state.byId[conversationId];
        if (!conversation || conversation.unread_count === count) return state;
        return { byId: { ...state.byId, [conversationId]: { ...conversation, unread_count: count, has_unread: count > 0 } } };
      }),
    applySettings: ({ conversation_id, ...settings }) =>
      set((state) => {
        const conversation = state.byId[conversation_id];
        if (!conversation || (conversation.settings_version ?? 0) >= settings.settings_version) return state;
        return { byId: { ...state.byId, [conversation_id]: { ...conversation, ...settings } } };
      }),
    applyProfile: (profile) =>
      set((state) => {
        const known = state.users[profile.id];
        const users = known ? { ...state.users, [profile.id]: { ...known, ...profile } } : state.users;
        const byId = Object.fromEntries(
          Object.entries(state.byId).map(([id, c]) => [
            id,
            c.participants.some((p) => p.id === profile.id)
              ? { ...c, participants: c.participants.map((p) => (p.id === profile.id ? { ...p, ...profile } : p)) }
              : c,
          ]),
        );
        return { users, byId };
      }),
    receipt: (conversationId, userId, kind, at) =>
      set((state) => {
        const forConversation = state.receipts[conversationId] ?? {};
        const current = forConversation[userId] ?? {};
        const previous = current[kind];
        if (previous && Date.parse(previous) >= Date.parse(at)) return state;
        return {
          receipts: { ...state.receipts, [conversationId]: { ...forConversation, [userId]: { ...current, [kind]: at } } },
        };
      }),
    depart: (conversationId, how) =>
      set((state) =>
        !state.byId[conversationId] || state.departures[conversationId] ? state : { departures: { ...state.departures, [conversationId]: how } },
      ),
    rejoined: (conversationId) =>
      set((state) => {
        if (!state.departures[conversationId]) return state;
        const { [conversationId]: _, ...departures } = state.departures;
        return { departures };
      }),
    forget: (conversationId) =>
      set((state) => {
        if (!state.departures[conversationId]) return state;
        const { [conversationId]: _row, ...byId } = state.byId;
        const { [conversationId]: _departure, ...departures } = state.departures;
        return { byId, departures, activeId: state.activeId === conversationId ? null : state.activeId };
      }),
    setBlocked: (userIds) => set({ blocked: Object.fromEntries(userIds.map((id) => [id, true as const])) }),
    setBlock: (userId, blocked) =>
      set((state) => {
        if (Boolean(state.blocked[userId]) === blocked) return state;
        const { [userId]: _, ...rest } = state.blocked;
        return { blocked: blocked ? { ...rest, [userId]: true } : rest };
      }),
  }));
}

/**
 * A refreshed list must not roll back what the client already shows: changes that arrived
 * live after the server read the list (a higher `last_event_seq`), and a message sent from
 * this tab, which shows (with its clock) before the server's list can know about it.
 */
function keepNewerPreview(current: Conversation | undefined, fresh: Conversation): Conversation {
  // The user's own settings have their own version: a list read before a change must not undo it.
  if (current && (current.settings_version ?? 0) > (fresh.settings_version ?? 0)) {
    const { muted_until, pinned_at, archived, marked_unread, settings_version } = current;
    fresh = { ...fresh, muted_until, pinned_at, archived, marked_unread, settings_version };
  }
  if (current && current.last_event_seq > fresh.last_event_seq) {
    const { last_message, last_message_at, unread_count, has_unread, last_event_seq } = current;
    return { ...fresh, last_message, last_message_at, unread_count, has_unread, last_event_seq };
  }
  const mine = current?.last_message;
  const theirs = fresh.last_message;
  if (mine && (!theirs || Date.parse(mine.created_at) > Date.parse(theirs.created_at))) {
    return { ...fresh, last_message: mine, last_message_at: mine.created_at };
  }
  return fresh;
}
