import { makeConversation, makePublicUser } from '../test-utils/fixtures';
import { conversationTitle, displayName, memberNames, otherParticipant } from './names';

const me = makePublicUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const zoe = makePublicUser({ username: 'zoe', full_name: null });

describe('names', () => {
  it('prefers the full name, else the username', () => {
    expect(displayName(bob)).toBe('Bob Stone');
    expect(displayName(zoe)).toBe('zoe');
    expect(displayName({ username: 'x', full_name: '   ' })).toBe('x');
  });

  it('titles a one-on-one with the other person and a group with its name', () => {
    const direct = makeConversation({ participants: [me, bob] });
    expect(otherParticipant(direct, me.id)).toBe(bob);
    expect(conversationTitle(direct, me.id)).toBe('Bob Stone');
    const group = makeConversation({ participants: [me, bob, zoe], is_group_chat: true, name: 'Trip' });
    expect(otherParticipant(group, me.id)).toBeUndefined();
    expect(conversationTitle(group, me.id)).toBe('Trip');
    expect(memberNames(group, me.id)).toBe('Bob Stone, zoe, You');
  });
});
