import { MUTED_FOREVER } from '@chatflow/protocol';
import { makeConversation, makeMessage, makePublicUser } from '../test-utils/fixtures';
import { createTestRouter } from '../test-utils/testRouter';
import { createChatStores } from './chatStores';
import { isListed, sortConversations } from './conversations';

const me = makePublicUser({ full_name: 'Me' });
const bob = makePublicUser({ full_name: 'Bob Stone', username: 'bob' });
const carol = makePublicUser({ full_name: 'Carol King' });

describe('chat settings and profiles in the chat list', () => {
  const stores = createChatStores();
  const route = createTestRouter(stores, me.id);
  const conversation = makeConversation({ participants: [me, bob], settings_version: 0 });
  const state = () => stores.conversations.getState();
  const settings = (version: number, change: object) => ({
    muted_until: null,
    pinned_at: null,
    archived: false,
    marked_unread: false,
    settings_version: version,
    ...change,
  });

  beforeEach(() => state().setAll([conversation]));

  it('applies conversation_settings from another device, the newest version winning whatever the order of arrival', () => {
    route({ type: 'conversation_settings', conversation_id: conversation.id, settings: settings(2, { muted_until: MUTED_FOREVER, archived: true }) });
    route({ type: 'conversation_settings', conversation_id: conversation.id, settings: settings(1, { archived: false }) });
    expect(state().byId[conversation.id]).toMatchObject({ muted_until: MUTED_FOREVER, archived: true, settings_version: 2 });
    // A list read before the change does not undo it.
    state().setAll([{ ...conversation, settings_version: 1, archived: false }]);
    expect(state().byId[conversation.id]).toMatchObject({ archived: true, settings_version: 2 });
  });

  it('applies user_updated to every conversation and name that shows the user', () => {
    const group = makeConversation({ participants: [me, bob, carol], is_group_chat: true, name: 'Club' });
    state().setAll([conversation, group]);
    route({ type: 'user_updated', user: { id: bob.id, username: 'bob', full_name: 'Robert Stone', avatar_url: 'https://x.test/b.png' } });
    for (const id of [conversation.id, group.id]) {
      expect(state().byId[id]!.participants.find((p) => p.id === bob.id)).toMatchObject({ full_name: 'Robert Stone', avatar_url: 'https://x.test/b.png' });
    }
    expect(state().users[bob.id]!.full_name).toBe('Robert Stone');
  });

  it('puts pinned chats on top, the latest pinned first, then the most recent activity', () => {
    const at = (iso: string, pinned_at: string | null = null) => {
      const c = makeConversation({ participants: [me, bob], pinned_at });
      return { ...c, last_message: makeMessage({ conversation_id: c.id, sender_id: bob.id, created_at: iso }), last_message_at: iso };
    };
    const recent = at('2026-11-24T12:00:00.000Z');
    const pinnedFirst = at('2026-11-20T12:00:00.000Z', '2026-11-21T00:00:00.000Z');
    const pinnedLater = at('2026-11-19T12:00:00.000Z', '2026-11-22T00:00:00.000Z');
    expect(sortConversations([recent, pinnedFirst, pinnedLater]).map((c) => c.id)).toEqual([pinnedLater.id, pinnedFirst.id, recent.id]);
  });

  it('lists a one-on-one nobody wrote in only for the one who started it', () => {
    const empty = makeConversation({ participants: [me, bob], created_by: bob.id });
    expect(isListed(empty, me.id)).toBe(false);
    expect(isListed(empty, bob.id)).toBe(true);
    expect(isListed({ ...empty, last_message: makeMessage({ conversation_id: empty.id, sender_id: bob.id }) }, me.id)).toBe(true);
    expect(isListed({ ...empty, is_group_chat: true }, me.id)).toBe(true);
  });
});
