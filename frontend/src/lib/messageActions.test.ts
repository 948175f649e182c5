import { makeMessage } from '../test-utils/fixtures';
import { DELETE_WINDOW_MS, EDIT_WINDOW_MS, messageActions, myReaction } from './messageActions';

const sent = '2026-11-24T10:00:00.000Z';
const at = (ms: number) => Date.parse(sent) + ms;
const mine = makeMessage({ conversation_id: 'c', sender_id: 'me', created_at: sent });

describe('messageActions', () => {
  it('lets the sender edit within the edit window and delete within the delete window', () => {
    expect(messageActions(mine, 'me', at(EDIT_WINDOW_MS - 1))).toEqual({ reply: true, react: true, edit: true, delete: true });
    expect(messageActions(mine, 'me', at(EDIT_WINDOW_MS))).toEqual({ reply: true, react: true, edit: false, delete: true });
    expect(messageActions(mine, 'me', at(DELETE_WINDOW_MS))).toEqual({ reply: true, react: true, edit: false, delete: false });
  });

  it('offers only reply and react on the messages of others', () => {
    expect(messageActions(mine, 'someone else', at(0))).toEqual({ reply: true, react: true, edit: false, delete: false });
  });

  it('offers neither reply nor edit in a chat without a composer, but still react and delete', () => {
    expect(messageActions(mine, 'me', at(0), false)).toEqual({ reply: false, react: true, edit: false, delete: true });
  });

  it('offers no edit of a message the server cannot decrypt (there is no text to start from), but still delete', () => {
    expect(messageActions({ ...mine, content: '', unavailable: true }, 'me', at(0))).toEqual({ reply: true, react: true, edit: false, delete: true });
  });

  it('offers no menu on a deleted message, a system notice or a message on its way', () => {
    expect(messageActions({ ...mine, deleted_at: sent }, 'me', at(0))).toBeNull();
    expect(messageActions({ ...mine, kind: 'system' }, 'me', at(0))).toBeNull();
    expect(messageActions({ ...mine, local: 'sending' }, 'me', at(0))).toBeNull();
  });
});

describe('myReaction', () => {
  it('finds the emoji the user reacted with', () => {
    const reacted = { ...mine, reactions: [{ emoji: '👍', count: 2, user_ids: ['a', 'me'] }, { emoji: '😂', count: 1, user_ids: ['b'] }] };
    expect(myReaction(reacted, 'me')).toBe('👍');
    expect(myReaction(reacted, 'c')).toBeNull();
  });
});
