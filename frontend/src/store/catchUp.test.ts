import type { Conversation, Message } from '../api/client';
import { makeConversation, makeMessage, makePublicUser } from '../test-utils/fixtures';
import { CATCH_UP_PAGE_SIZE, createCatchUp, pageAfter } from './catchUp';
import { createChatStores } from './chatStores';
import { PAGE_SIZE } from './messages';

const page = (ids: string[]): Message[] => ids.map((id) => makeMessage({ id, conversation_id: 'c', sender_id: 'u' }));

describe('pageAfter', () => {
  it('pages with `after` from the last id of each page until a page is empty', async () => {
    const pages: Record<string, Message[]> = { m0: page(['m1', 'm2']), m2: page(['m3']), m3: [] };
    const fetchPage = jest.fn(async (after: string) => pages[after] ?? []);
    const received: string[] = [];
    const total = await pageAfter('m0', fetchPage, (messages) => received.push(...messages.map((m) => m.id)));
    expect(fetchPage.mock.calls.map(([after]) => after)).toEqual(['m0', 'm2', 'm3']);
    expect(received).toEqual(['m1', 'm2', 'm3']);
    expect(total).toBe(3);
  });

  it('asks once when nothing was missed', async () => {
    const fetchPage = jest.fn(async () => []);
    const onPage = jest.fn();
    expect(await pageAfter('m9', fetchPage, onPage)).toBe(0);
    expect(fetchPage).toHaveBeenCalledTimes(1);
    expect(onPage).not.toHaveBeenCalled();
  });

  it('stops with the error when a page fails', async () => {
    const fetchPage = jest.fn().mockResolvedValueOnce(page(['m1'])).mockRejectedValueOnce(new Error('offline'));
    await expect(pageAfter('m0', fetchPage, () => undefined)).rejects.toThrow('offline');
  });
});

describe('createCatchUp', () => {
  const me = makePublicUser();
  const bob = makePublicUser({ is_online: true });
  const opened = makeConversation({ participants: [me, bob] });
  const emptyChat = makeConversation({ participants: [me, bob] });
  const unopened = makeConversation({ participants: [me, makePublicUser()] });
  const inOpened = (id: string) => makeMessage({ id, conversation_id: opened.id, sender_id: bob.id, created_at: `2026-11-24T10:00:0${id.slice(1)}.000Z` });

  function setup({ list = [opened, emptyChat, unopened], newer = {} }: { list?: Conversation[]; newer?: Record<string, Message[]> } = {}) {
    const stores = createChatStores();
    const listConversations = jest.fn(() => Promise.resolve(list));
    const listMessages = jest.fn((id: string, query: { after?: string; before?: string; limit?: number } = {}) =>
      Promise.resolve(id === opened.id ? (newer[query.after ?? ''] ?? []) : []),
    );
    const onCaughtUp = jest.fn();
    const catchUp = createCatchUp({ meId: me.id, api: { listConversations, listMessages }, stores, onCaughtUp });
    return { catchUp, stores, listConversations, listMessages, onCaughtUp };
  }

  it('loads the list and the presence of everyone in it but me', async () => {
    const { catchUp, stores } = setup();
    await catchUp.loadList();
    expect(Object.keys(stores.conversations.getState().byId)).toEqual([opened.id, emptyChat.id, unopened.id]);
    expect(stores.presence.getState().users[bob.id]).toEqual({ online: true, lastSeenAt: null });
    expect(stores.presence.getState().users[me.id]).toBeUndefined();
  });

  it('after ready, refreshes the list and pages each loaded chat forward from its newest stored message', async () => {
    const { catchUp, stores, listConversations, listMessages, onCaughtUp } = setup({ newer: { m2: [inOpened('m3')], m3: [] } });
    stores.messages.getState().setLatest(opened.id, [inOpened('m1'), inOpened('m2')], PAGE_SIZE);
    stores.messages.getState().setLatest(emptyChat.id, [], PAGE_SIZE);
    await catchUp.run();
    expect(listConversations).toHaveBeenCalledTimes(1);
    expect(listMessages.mock.calls).toEqual([
      [opened.id, { after: 'm2', limit: CATCH_UP_PAGE_SIZE }],
      [emptyChat.id, { limit: PAGE_SIZE }],
      [opened.id, { after: 'm3', limit: CATCH_UP_PAGE_SIZE }],
    ]);
    expect(stores.messages.getState().threads[opened.id]?.items.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(stores.messages.getState().threads[unopened.id]).toBeUndefined();
    expect(onCaughtUp).toHaveBeenCalledTimes(1);
  });

  it('gives up quietly when a request fails, and tries again on the next ready', async () => {
    const { catchUp, listConversations, onCaughtUp } = setup();
    listConversations.mockRejectedValueOnce(new Error('offline'));
    await expect(catchUp.run()).resolves.toBeUndefined();
    expect(onCaughtUp).not.toHaveBeenCalled();
    await catchUp.run();
    expect(onCaughtUp).toHaveBeenCalledTimes(1);
  });
});
