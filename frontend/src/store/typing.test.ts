import type { TypingFrame } from '@chatflow/protocol';
import { createPresenceStore } from './presence';
import { createTyping, TYPING_EXPIRY_MS, TYPING_THROTTLE_MS } from './typing';

function setup(connected = true) {
  const presence = createPresenceStore();
  const sent: TypingFrame[] = [];
  const sendNow = jest.fn((frame: TypingFrame) => {
    if (connected) sent.push(frame);
    return connected;
  });
  const typing = createTyping({ presence, sendNow });
  const typers = (conversationId: string) => Object.keys(presence.getState().typing[conversationId] ?? {});
  return { typing, sent, sendNow, typers };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('typing: the user’s own', () => {
  it('sends `typing: true` at most once per throttle period, per conversation', () => {
    const { typing, sent } = setup();
    typing.sendTyping('c1');
    typing.sendTyping('c1');
    typing.sendTyping('c2');
    jest.advanceTimersByTime(TYPING_THROTTLE_MS - 1);
    typing.sendTyping('c1');
    expect(sent).toEqual([
      { type: 'typing', conversation_id: 'c1', is_typing: true },
      { type: 'typing', conversation_id: 'c2', is_typing: true },
    ]);
    jest.advanceTimersByTime(1);
    typing.sendTyping('c1');
    expect(sent).toHaveLength(3);
  });

  it('withdraws a `typing` it sent, once', () => {
    const { typing, sent } = setup();
    typing.sendStopped('c1');
    expect(sent).toEqual([]);
    typing.sendTyping('c1');
    typing.sendStopped('c1');
    typing.sendStopped('c1');
    expect(sent).toEqual([
      { type: 'typing', conversation_id: 'c1', is_typing: true },
      { type: 'typing', conversation_id: 'c1', is_typing: false },
    ]);
    typing.sendTyping('c1');
    expect(sent).toHaveLength(3);
  });

  it('tries again on the next keystroke when the frame could not go out', () => {
    const { typing, sendNow } = setup(false);
    typing.sendTyping('c1');
    typing.sendTyping('c1');
    expect(sendNow).toHaveBeenCalledTimes(2);
    typing.sendStopped('c1');
    expect(sendNow).toHaveBeenCalledTimes(2);
  });
});

describe('typing: someone else’s', () => {
  it('shows until they stop', () => {
    const { typing, typers } = setup();
    typing.show('c1', 'bob', true);
    expect(typers('c1')).toEqual(['bob']);
    typing.show('c1', 'bob', false);
    expect(typers('c1')).toEqual([]);
  });

  it('expires without a refresh, and each refresh starts the wait again', () => {
    const { typing, typers } = setup();
    typing.show('c1', 'bob', true);
    jest.advanceTimersByTime(TYPING_EXPIRY_MS - 1000);
    typing.show('c1', 'bob', true);
    jest.advanceTimersByTime(TYPING_EXPIRY_MS - 1);
    expect(typers('c1')).toEqual(['bob']);
    jest.advanceTimersByTime(1);
    expect(typers('c1')).toEqual([]);
  });

  it('leaves nothing to fire once stopped', () => {
    const { typing } = setup();
    typing.show('c1', 'bob', true);
    typing.show('c2', 'carol', true);
    typing.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('typing: a conversation the user is no longer in', () => {
  it('is forgotten: nobody shows as typing in it, and nothing is sent about it, not even a withdrawal', () => {
    const { typing, sent, typers } = setup();
    typing.sendTyping('c1');
    typing.show('c1', 'bob', true);
    typing.show('c2', 'bob', true);
    typing.forget('c1');
    expect(typers('c1')).toEqual([]);
    expect(typers('c2')).toEqual(['bob']);
    typing.sendStopped('c1');
    expect(sent).toEqual([{ type: 'typing', conversation_id: 'c1', is_typing: true }]);
    jest.advanceTimersByTime(TYPING_EXPIRY_MS);
    expect(typers('c2')).toEqual([]);
  });
});
