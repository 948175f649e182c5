import type { ApiClient } from '../api/client';
import type { ChatStores } from '../store/chatStores';
import { chatEventHandlers, createEventRouter } from '../store/eventRouter';
import { createMembership } from '../store/membership';

type Stores = Pick<ChatStores, 'conversations' | 'messages' | 'presence'>;

/** The membership piece of a session over these stores; GET /conversations/{id} is `getConversation` (by default it never answers). */
export function createTestMembership(stores: Stores, meId: string, getConversation: ApiClient['getConversation'] = () => new Promise(() => undefined)) {
  return createMembership({ meId, api: { getConversation }, stores, typing: { forget: jest.fn() }, abandon: jest.fn() });
}

/** The event router of a session over these stores, its other parts stubbed: the user sees no chat arrive. */
export function createTestRouter(stores: Stores, meId: string, membership = createTestMembership(stores, meId)) {
  return createEventRouter(
    chatEventHandlers({
      meId,
      api: { getConversation: jest.fn() },
      stores,
      typing: { show: jest.fn() },
      outbox: { acknowledged: jest.fn(), conversationOf: () => undefined, refused: jest.fn() },
      reads: { seesNow: () => false, markActiveRead: jest.fn(), readElsewhere: jest.fn() },
      membership,
    }),
  );
}
