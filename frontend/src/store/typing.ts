import type { TypingFrame } from '@chatflow/protocol';
import type { PresenceStore } from './presence';

/** Send `typing: true` at most this often while the user keeps typing. */
export const TYPING_THROTTLE_MS = 3_000;
/** Hide someone's "typing…" when no refresh came for this long. */
export const TYPING_EXPIRY_MS = 5_000;

export interface TypingOptions {
  presence: PresenceStore;
  /** Sends the frame if the connection is ready; false when it is not (the frame is dropped). */
  sendNow: (frame: TypingFrame) => boolean;
}

/**
 * "typing…" both ways. The user's own goes out at most every TYPING_THROTTLE_MS and is
 * withdrawn once; someone else's shows until they stop or send, or until TYPING_EXPIRY_MS
 * pass without a refresh (their `false` may never come if their tab closes).
 */
export function createTyping({ presence, sendNow }: TypingOptions) {
  const sentAt = new Map<string, number>();
  const expiries = new Map<string, ReturnType<typeof setTimeout>>();

  function sendTyping(conversationId: string): void {
    const last = sentAt.get(conversationId);
    const now = Date.now();
    if (last !== undefined && now - last < TYPING_THROTTLE_MS) return;
    if (sendNow({ type: 'typing', conversation_id: conversationId, is_typing: true })) sentAt.set(conversationId, now);
  }

  function sendStopped(conversationId: string): void {
    if (!sentAt.has(conversationId)) return;
    sentAt.delete(conversationId);
    sendNow({ type: 'typing', conversation_id: conversationId, is_typing: false });
  }

  function show(conversationId: string, userId: string, isTyping: boolean): void {
    const key = `${conversationId}:${userId}`;
    clearTimeout(expiries.get(key));
    expiries.delete(key);
    if (!isTyping) {
      presence.getState().setTyping(conversationId, userId, null);
      return;
    }
    presence.getState().setTyping(conversationId, userId, Date.now() + TYPING_EXPIRY_MS);
    expiries.set(
      key,
      setTimeout(() => {
        expiries.delete(key);
        presence.getState().setTyping(conversationId, userId, null);
      }, TYPING_EXPIRY_MS),
    );
  }

  function forget(conversationId: string): void {
    sentAt.delete(conversationId);
    for (const userId of Object.keys(presence.getState().typing[conversationId] ?? {})) show(conversationId, userId, false);
  }

  function stop(): void {
    for (const timer of expiries.values()) clearTimeout(timer);
    expiries.clear();
  }

  return {
    /** The user typed in a conversation. */
    sendTyping,
    /** The user emptied the box, left it or sent: withdraw the `typing` sent, if any. */
    sendStopped,
    /** Someone else started or stopped typing in a conversation. */
    show,
    /**
     * The user is no longer in a conversation: nothing more is sent about it (not even a
     * withdrawal, which the server would refuse) and nobody shows as typing in it.
     */
    forget,
    /** The session ends: no expiry fires after it. */
    stop,
  };
}

export type Typing = ReturnType<typeof createTyping>;
