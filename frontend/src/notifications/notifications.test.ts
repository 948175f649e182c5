import { MUTED_FOREVER } from '@chatflow/protocol';
import { createConversationsStore } from '../store/conversations';
import { makeConversation, makeMessage, makePublicUser } from '../test-utils/fixtures';
import { createNotifier } from './notifier';
import { useNotificationPreferences } from './preferences';
import { faviconHref, showUnreadInTab, tabTitle, unreadChats } from './tabBadge';

const me = makePublicUser({ full_name: 'Me' });
const bob = makePublicUser({ full_name: 'Bob Stone' });
const direct = makeConversation({ participants: [me, bob], unread_count: 2, has_unread: true });
const group = makeConversation({ participants: [me, bob], is_group_chat: true, name: 'Book club' });
const muted = makeConversation({ participants: [me, bob], unread_count: 1, has_unread: true, muted_until: MUTED_FOREVER });
const archived = makeConversation({ participants: [me, bob], unread_count: 1, has_unread: true, archived: true });
const marked = makeConversation({ participants: [me, bob], marked_unread: true });

describe('the tab badge', () => {
  it('counts unread and marked-unread chats, not muted or archived ones', () => {
    expect(unreadChats([direct, group, muted, archived, marked])).toBe(2);
    expect(unreadChats([{ ...muted, muted_until: '2020-01-01T00:00:00.000Z' }])).toBe(1);
  });

  it('writes the count into the title and the favicon, and takes it away at 0', () => {
    showUnreadInTab(3);
    expect(document.title).toBe('(3) ChatFlow');
    expect(decodeURIComponent(document.querySelector('link[rel="icon"]')!.getAttribute('href')!)).toContain('>3</text>');
    showUnreadInTab(0);
    expect(document.title).toBe(tabTitle(0));
    expect(document.querySelector('link[rel="icon"]')!.getAttribute('href')).toBe(faviconHref(0));
    expect(decodeURIComponent(faviconHref(12))).toContain('>9+</text>');
  });
});

describe('the notifier', () => {
  const show = jest.fn();
  const chime = jest.fn();
  const open = jest.fn();
  let attentive = true;
  const conversations = createConversationsStore();
  const notify = createNotifier({ meId: me.id, conversations, open, show, chime, attentive: () => attentive });
  const from = (conversationId: string, content = 'Hello', sender = bob.id) => makeMessage({ conversation_id: conversationId, sender_id: sender, content });

  beforeEach(() => {
    jest.clearAllMocks();
    attentive = true;
    conversations.getState().setAll([direct, group, muted]);
    conversations.getState().setActive(null);
    useNotificationPreferences.setState({ permission: 'granted', sound: false, messageSeen: false });
  });

  it('notifies of a message in a chat that is not open, its title the sender (or the group), and clicking opens the chat', () => {
    notify(from(direct.id));
    notify(from(group.id, 'Count me in'));
    expect(show.mock.calls.map(([title, options]) => [title, options.body, options.tag])).toEqual([
      ['Bob Stone', 'Hello', direct.id],
      ['Book club', 'Bob Stone: Count me in', group.id],
    ]);
    const focus = jest.spyOn(window, 'focus').mockImplementation(() => undefined);
    show.mock.calls[1][2]();
    expect(focus).toHaveBeenCalled();
    expect(open).toHaveBeenCalledWith(group.id);
    expect(useNotificationPreferences.getState().messageSeen).toBe(true);
  });

  it('notifies for the open chat only while the tab is hidden or unfocused', () => {
    conversations.getState().setActive(direct.id);
    notify(from(direct.id));
    expect(show).not.toHaveBeenCalled();
    attentive = false;
    notify(from(direct.id));
    expect(show).toHaveBeenCalledTimes(1);
  });

  it('stays silent for a muted chat and for the user’s own messages; plays the sound only when chosen', () => {
    notify(from(muted.id));
    notify(from(direct.id, 'mine', me.id));
    expect(show).not.toHaveBeenCalled();
    expect(chime).not.toHaveBeenCalled();
    useNotificationPreferences.setState({ sound: true });
    notify(from(direct.id));
    expect(chime).toHaveBeenCalledTimes(1);
  });

  it('shows no notification until the user allowed them', () => {
    useNotificationPreferences.setState({ permission: 'default' });
    notify(from(direct.id));
    expect(show).not.toHaveBeenCalled();
  });
});
