import { makeMessage } from '../test-utils/fixtures';
import { countsAsUnread, firstUnread, unreadAfter } from './unread';

const me = 'me';
const thread = [
  makeMessage({ conversation_id: 'c', sender_id: 'bob', seq: 1 }),
  makeMessage({ conversation_id: 'c', sender_id: me, seq: 2 }),
  makeMessage({ conversation_id: 'c', sender_id: 'bob', seq: 3 }),
  makeMessage({ conversation_id: 'c', sender_id: 'bob', seq: 4, deleted_at: '2026-11-24T10:00:00.000Z' }),
  makeMessage({ conversation_id: 'c', sender_id: 'bob', seq: 5 }),
];

describe('unread messages', () => {
  it('counts what the server counts: stored user messages from others, not deleted', () => {
    expect(thread.map((m) => countsAsUnread(m, me))).toEqual([true, false, true, false, true]);
    expect(countsAsUnread(makeMessage({ conversation_id: 'c', sender_id: 'bob', kind: 'system' }), me)).toBe(false);
  });

  it('finds the first unread message by counting back from the newest', () => {
    expect(firstUnread(thread, 1, me)?.seq).toBe(5);
    expect(firstUnread(thread, 2, me)?.seq).toBe(3);
    expect(firstUnread(thread, 3, me)?.seq).toBe(1);
    expect(firstUnread(thread, 0, me)).toBeUndefined();
    expect(firstUnread(thread, 4, me)).toBeUndefined();
  });

  it('counts the unread messages after a message', () => {
    expect(unreadAfter(thread, 0, me)).toBe(3);
    expect(unreadAfter(thread, 3, me)).toBe(1);
    expect(unreadAfter(thread, 5, me)).toBe(0);
  });
});
