import { parseServerEvent, SERVER_EVENT_TYPES } from './events';
import { CLIENT_FRAME_TYPES, isClientFrameType } from './frames';

describe('parseServerEvent', () => {
  it('reads every event type the server sends', () => {
    for (const type of SERVER_EVENT_TYPES) expect(parseServerEvent(JSON.stringify({ type }))).toEqual({ type });
  });

  it.each([
    ['text that is not JSON', 'hello'],
    ['a JSON array', '[1]'],
    ['null', 'null'],
    ['an unknown type', '{"type":"launch"}'],
    ['an inherited property name as type', '{"type":"toString"}'],
    ['a binary frame', new ArrayBuffer(4)],
  ])('ignores %s', (_, data) => {
    expect(parseServerEvent(data)).toBeNull();
  });
});

describe('client frame types', () => {
  it('are message, typing and read', () => {
    expect(CLIENT_FRAME_TYPES).toEqual(['message', 'typing', 'read']);
    expect(isClientFrameType('typing')).toBe(true);
    expect(isClientFrameType('constructor')).toBe(false);
    expect(isClientFrameType(undefined)).toBe(false);
  });
});
