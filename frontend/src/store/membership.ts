import { ApiError, type ApiClient, type Conversation, type Message } from '../api/client';
import { upsertConversation, type ChatStores } from './chatStores';
import type { Departure } from './conversations';
import type { Typing } from './typing';

export interface MembershipOptions {
  meId: string;
  api: Pick<ApiClient, 'getConversation'>;
  stores: Pick<ChatStores, 'conversations' | 'presence'>;
  typing: Pick<Typing, 'forget'>;
  /** The user's messages still on their way to a conversation they are no longer in: they fail, and are not sent again. */
  abandon: (conversationId: string) => void;
}

/** The user left: the chat's last message is their own `member_left` notice. */
function leftBy(message: Message | null, meId: string): boolean {
  return message?.kind === 'system' && message.system?.action === 'member_left' && message.system.user_ids.includes(meId);
}

/**
 * Whether the user is still in each conversation. Being removed from a group, or leaving it,
 * turns the chat read-only: it stays in the list with its history, typing and read marks stop
 * and nothing more is sent to it. The server says so with `conversation_removed`; when that
 * was not heard (the socket was down, the list no longer has the chat, a group's REST path or
 * a message was refused with 403), GET /conversations/{id} settles it: 403, the user is out;
 * 200, they are in (again).
 */
export function createMembership({ meId, api, stores, typing, abandon }: MembershipOptions) {
  const { conversations } = stores;
  const checking = new Map<string, Promise<void>>();

  /** The user is no longer in the conversation; `how` defaults to what its last message says. */
  function departed(conversationId: string, how?: Departure): void {
    const row = conversations.getState().byId[conversationId];
    if (!row) return;
    conversations.getState().depart(conversationId, how ?? (leftBy(row.last_message, meId) ? 'left' : 'removed'));
    typing.forget(conversationId);
    abandon(conversationId);
  }

  /** The conversation as the server now shows it to the user: in it, or (unexpectedly) not. */
  function seen(conversation: Conversation): void {
    if (conversation.participants.some((p) => p.id === meId)) conversations.getState().rejoined(conversation.id);
    else departed(conversation.id);
  }

  function check(conversationId: string): Promise<void> {
    const running = checking.get(conversationId);
    if (running) return running;
    const probe = api
      .getConversation(conversationId)
      .then(
        (conversation) => {
          upsertConversation(stores, meId, conversation);
          seen(conversation);
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 403) departed(conversationId);
        },
      )
      .finally(() => checking.delete(conversationId));
    checking.set(conversationId, probe);
    return probe;
  }

  /**
   * A request about a conversation failed. A 403 about a group the user is still thought to
   * be in may mean they were removed meanwhile (a one-on-one is never left: its 403s are
   * about blocking, or a message's edit window).
   */
  function refused(conversationId: string, error: unknown): Promise<void> {
    const { byId, departures } = conversations.getState();
    if (!(error instanceof ApiError && error.status === 403) || !byId[conversationId]?.is_group_chat || departures[conversationId]) {
      return Promise.resolve();
    }
    return check(conversationId);
  }

  return {
    departed,
    seen,
    /** Asks the server whether the user is in the conversation (one question at a time per conversation). */
    check,
    refused,
    /** Whether the user is (as far as this session knows) still in the conversation. */
    isIn: (conversationId: string) => !conversations.getState().departures[conversationId],
  };
}

export type Membership = ReturnType<typeof createMembership>;
