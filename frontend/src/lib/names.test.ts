import { makeConversation, makePublicUser } from '../test-utils/fixtures';
import { conversationTitle, displayName, handleOf, memberNames, otherParticipant } from './names';

const me = makePublicUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const zoe = makePublicUser({ username: 'zoe', full_name: null });
/** As the server sends an account its owner deleted: a placeholder username, no profile. */
const gone = makePublicUser({ username: 'deleted:3f0c2a0e6d1b4c53', full_name: null, deleted: true });

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

  it('names a deleted account "Deleted account", never by its placeholder username, and gives it no handle', () => {
    expect(displayName(gone)).toBe('Deleted account');
    expect(displayName({ ...gone, full_name: 'Left Over' })).toBe('Deleted account');
    expect(handleOf(gone)).toBeNull();
    expect(handleOf(bob)).toBe('@bob');
    const direct = makeConversation({ participants: [me, gone] });
    expect(conversationTitle(direct, me.id)).toBe('Deleted account');
    const group = makeConversation({ participants: [me, bob, gone], is_group_chat: true, name: 'Trip' });
    expect(memberNames(group, me.id)).toBe('Bob Stone, Deleted account, You');
  });
});
