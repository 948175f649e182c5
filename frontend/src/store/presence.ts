import { create } from 'zustand';
import type { PublicUser } from '../api/client';

export interface Presence {
  online: boolean;
  lastSeenAt: string | null;
}

interface PresenceState {
  users: Record<string, Presence>;
  /** conversation id → user id → when their "typing…" expires (ms since epoch). */
  typing: Record<string, Record<string, number>>;
  seed: (users: PublicUser[]) => void;
  set: (userId: string, presence: Presence) => void;
  setTyping: (conversationId: string, userId: string, until: number | null) => void;
  reset: () => void;
}

export const usePresence = create<PresenceState>((set) => ({
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
  reset: () => set({ users: {}, typing: {} }),
}));
