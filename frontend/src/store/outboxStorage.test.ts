import '../test-utils/fakeIndexedDb';
import { makeMessage } from '../test-utils/fixtures';
import type { ChatMessage } from './messages';
import { clearStoredOutbox, indexedDbOutboxStorage } from './outboxStorage';

/** Each test its own users: the database is shared by the file, as a browser's is by its tabs. */
let n = 0;
const newUser = () => `user-${++n}`;

function pending(clientId: string, content = clientId): ChatMessage {
  return { ...makeMessage({ id: `local:${clientId}`, conversation_id: 'chat-1', sender_id: 'me', client_id: clientId, content }), local: 'sending' };
}

/** Writes are not awaited by the outbox: a load queued after them sees them (IndexedDB runs transactions in order). */
describe('the outbox in IndexedDB', () => {
  it('gives back a user’s unsent messages in the order they were sent, without their on-screen state', async () => {
    const user = newUser();
    const storage = indexedDbOutboxStorage(user);
    storage.save(pending('c-2', 'first'));
    storage.save({ ...pending('c-1', 'second'), local: 'failed', error: 'No answer from the server' });
    storage.save(pending('c-3', 'third'));
    const loaded = await storage.load();
    expect(loaded.map((m) => [m.client_id, m.content])).toEqual([
      ['c-2', 'first'],
      ['c-1', 'second'],
      ['c-3', 'third'],
    ]);
    expect(loaded.every((m) => m.local === undefined && m.error === undefined)).toBe(true);
  });

  it('forgets a message once removed (acknowledged or refused)', async () => {
    const storage = indexedDbOutboxStorage(newUser());
    storage.save(pending('c-1'));
    storage.save(pending('c-2'));
    storage.remove('c-1');
    expect((await storage.load()).map((m) => m.client_id)).toEqual(['c-2']);
  });

  it('keeps each user’s messages apart, and clears one user’s only', async () => {
    const alice = newUser();
    const bob = newUser();
    indexedDbOutboxStorage(alice).save(pending('same-id', 'from alice'));
    indexedDbOutboxStorage(bob).save(pending('same-id', 'from bob'));
    expect((await indexedDbOutboxStorage(bob).load()).map((m) => m.content)).toEqual(['from bob']);

    await clearStoredOutbox(alice);
    expect(await indexedDbOutboxStorage(alice).load()).toEqual([]);
    expect((await indexedDbOutboxStorage(bob).load()).map((m) => m.content)).toEqual(['from bob']);
  });
});
