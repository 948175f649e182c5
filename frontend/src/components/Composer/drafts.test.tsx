import { render, screen, within } from '@testing-library/react';
import { createDraftsStore, forgetDrafts } from '../../store/drafts';
import { installFetch, reply } from '../../test-utils/fetchMock';
import { asPublic, makeConversation, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { openChat } from '../../test-utils/openChat';
import { loggedInEachTest } from '../../test-utils/chatTests';
import { Composer } from './Composer';

const me = makeUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const carol = makePublicUser({ username: 'carol', full_name: 'Carol King' });
const withBob = makeConversation({ participants: [asPublic(me), bob], last_message_at: '2026-11-24T10:00:00.000Z' });
const withCarol = makeConversation({ participants: [asPublic(me), carol], last_message_at: '2026-11-24T09:00:00.000Z' });
const composer = () => screen.getByRole('textbox', { name: 'Type a message' });
const row = (name: RegExp) => screen.getByRole('option', { name });

loggedInEachTest(me);
beforeEach(() => localStorage.clear());

describe('drafts', () => {
  it('keeps a draft per chat across switches, says "Draft:" in the list, and is gone once sent', async () => {
    const { user } = await openChat({ me, conversation: withBob, routes: { 'GET /conversations': () => reply(200, [withBob, withCarol]) }, row: /Bob Stone/ });
    await user.type(composer(), '  indented, half written');
    await user.click(row(/Carol King/));
    expect(composer()).toHaveValue('');
    expect(within(row(/Bob Stone/)).getByTestId('preview')).toHaveTextContent('Draft: indented, half written');

    await user.click(row(/Bob Stone/));
    expect(composer()).toHaveValue('  indented, half written');
    await user.keyboard('{Enter}');
    await user.click(row(/Carol King/));
    expect(within(row(/Bob Stone/)).getByTestId('preview')).not.toHaveTextContent('Draft:');
  });

  it('survives a reload for the same user, and not for another; logging out forgets it', () => {
    createDraftsStore(me.id).getState().set(withBob.id, 'see you at');
    expect(createDraftsStore(me.id).getState().byConversation).toEqual({ [withBob.id]: 'see you at' });
    expect(createDraftsStore('someone-else').getState().byConversation).toEqual({});
    forgetDrafts(me.id);
    expect(createDraftsStore(me.id).getState().byConversation).toEqual({});
  });

  it('gives the draft back when an edit that borrowed the box ends', () => {
    installFetch({});
    const onDraft = jest.fn();
    const { rerender } = render(<Composer onSend={jest.fn()} draft="my draft" onDraft={onDraft} />);
    expect(composer()).toHaveValue('my draft');
    rerender(<Composer onSend={jest.fn()} draft="my draft" onDraft={onDraft} editing={{ id: 'm1', content: 'old text' }} />);
    expect(composer()).toHaveValue('old text');
    rerender(<Composer onSend={jest.fn()} draft="my draft" onDraft={onDraft} editing={null} />);
    expect(composer()).toHaveValue('my draft');
    expect(onDraft).not.toHaveBeenCalled();
  });
});
