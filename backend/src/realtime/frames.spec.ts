import { MessageFrame, parseFrame, ReadFrame, TypingFrame, validFrame } from './frames';

describe('parseFrame', () => {
  it('routes a frame nested as deep as a frame may be', () => {
    const frame = { type: 'message', content: 'hi', x: JSON.parse(`${'['.repeat(31)}${']'.repeat(31)}`) };
    expect(parseFrame(JSON.stringify(frame))).toEqual({ event: 'message', data: frame });
  });

  it('routes a frame to the handler of its type', () => {
    const frame = { type: 'message', content: 'hi' };
    expect(parseFrame(JSON.stringify(frame))).toEqual({ event: 'message', data: frame });
    expect(parseFrame(Buffer.from(JSON.stringify({ type: 'read' })))).toEqual({ event: 'read', data: { type: 'read' } });
  });

  it.each([
    ['text that is not JSON', 'hello', 'invalid_json'],
    ['a JSON array', '[1,2]', 'invalid_frame'],
    ['a JSON number', '42', 'invalid_frame'],
    ['null', 'null', 'invalid_frame'],
    ['an unknown type', '{"type":"launch"}', 'unknown_type'],
    ['no type at all', '{"content":"x"}', 'unknown_type'],
    ['a field nested 10,000 deep (validation would overflow the stack)', `{"type":"read","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, 'invalid_frame'],
  ])('sends %s to the invalid-frame handler with code %s', (_, raw, code) => {
    expect(parseFrame(raw)).toEqual({ event: 'invalid', data: { code, detail: expect.any(String) } });
  });
});

describe('validFrame', () => {
  it('refuses a read frame whose up_to_seq is past any message number (found by the property tests)', async () => {
    await expect(validFrame(ReadFrame, { type: 'read', conversation_id: '3f0c2a0e-6d1b-4c53-9a59-2b7b0f8f6a11', up_to_seq: 4.4575183131589737e129 })).rejects.toThrow(
      'up_to_seq must be a positive integer',
    );
  });

  it('applies the REST rules to a message frame: no blank lines before the content or white space after it, its indentation kept', async () => {
    const frame = await validFrame(MessageFrame, { type: 'message', content: ' \n  hi  ', conversation_id: '3f0c2a0e-6d1b-4c53-9a59-2b7b0f8f6a11' });
    expect(frame.content).toBe('  hi');
  });

  it.each([
    ['empty content', { type: 'message', content: '   ' }],
    ['a client_id over 64 characters', { type: 'message', content: 'x', client_id: 'c'.repeat(65) }],
    ['an unknown field', { type: 'message', content: 'x', admin: true }],
    ['a malformed conversation_id', { type: 'message', content: 'x', conversation_id: 'nope' }],
  ])('refuses a message frame with %s', async (_, frame) => {
    await expect(validFrame(MessageFrame, frame)).rejects.toMatchObject({ code: 'invalid_frame' });
  });

  it('requires a boolean is_typing', async () => {
    await expect(validFrame(TypingFrame, { type: 'typing', is_typing: 'yes' })).rejects.toMatchObject({ code: 'invalid_frame' });
    await expect(validFrame(TypingFrame, { type: 'typing', is_typing: false })).resolves.toMatchObject({ is_typing: false });
  });
});
