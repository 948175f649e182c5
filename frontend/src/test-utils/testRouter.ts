import type { ChatStores } from '../store/chatStores';
import { chatEventHandlers, createEventRouter } from '../store/eventRouter';

/** The event router of a session over these stores, its other parts stubbed: the user sees no chat arrive. */
export function createTestRouter(stores: Pick<ChatStores, 'conversations' | 'messages' | 'presence'>, meId: string) {
  return createEventRouter(
    chatEventHandlers({
      meId,
      api: { getConversation: jest.fn() },
      stores,
      typing: { show: jest.fn() },
      outbox: { acknowledged: jest.fn() },
      reads: { seesNow: () => false, markRead: jest.fn() },
    }),
  );
}
