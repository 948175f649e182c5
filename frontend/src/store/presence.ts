import { createStore, type StoreApi } from 'zustand';
import type { PublicUser } from '../api/client';

export interface Presence {
  online: boolean;
  lastSeenAt: string | null;
}

export interface PresenceState {
  users: Record<string, Presence>;
  /** conversation id → user id → when their "typing…" expires (ms since epoch). */
  typing: Record<string, Record<string, number>>;
  seed: (users: PublicUser[]) => void;
  set: (userId: string, presence: Presence) => void;
  setTyping: (conversationId: string, userId: string, until: number | null) => void;
}

export type PresenceStore = StoreApi<PresenceState>;

/** Who is online, and who is typing where, for one session. */
export function createPresenceStore(): PresenceStore {
  return createStore<PresenceState>()((set) => ({
    users: {},
    typing: {},
    seed: (users) =>
      set((state) => {
        const next = { ...state.users };
        for (const user of users) next[user.id] = { online: user.is_online, lastSeenAt: user.last_seen_at };
        return { users: next };
      }),
    set: (userId, presence) => set((state) => ({ users: { ...state.users, [userId]: presence } })),
    setTyping: (conversationId, userId, until) =>
      set((state) => {
        const current = { ...(state.typing[conversationId] ?? {}) };
        if (until === null) delete current[userId];
        else current[userId] = until;
        return { typing: { ...state.typing, [conversationId]: current } };
      }),
  }));
}
