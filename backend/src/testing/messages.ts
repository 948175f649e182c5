import type { Message } from '@chatflow/protocol';

/** A stored user message as the wire carries it (unit specs only); `overrides` change any field. */
export function aMessage(overrides: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    conversation_id: 'c1',
    seq: 1,
    kind: 'user',
    sender_id: 'alice',
    content: 'hi',
    client_id: 'k1',
    status: 'sent',
    created_at: '2026-12-01T10:00:00.000Z',
    version: 1,
    edited_at: null,
    deleted_at: null,
    reply_to: null,
    reactions: [],
    attachments: [],
    system: null,
    ...overrides,
  };
}
