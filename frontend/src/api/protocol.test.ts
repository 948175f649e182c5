import type * as Protocol from '@chatflow/protocol';
import type { Conversation, Message, MessageStatus, PublicUser } from './client';

/** True only when A and B are the same type, property for property (optional and readonly included). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// The socket's objects (from @chatflow/protocol) and the REST ones (generated from the OpenAPI
// document) meet in the same stores, so they must stay one shape. `tsc` checks these lines.
const agreement: Record<'message' | 'status' | 'user' | 'conversation', true> = {
  message: true satisfies Same<Message, Protocol.Message>,
  status: true satisfies Same<MessageStatus, Protocol.MessageStatus>,
  user: true satisfies Same<PublicUser, Protocol.PublicUser>,
  conversation: true satisfies Same<Conversation, Protocol.Conversation>,
};

describe('REST and socket objects', () => {
  it('have one shape (checked by the type-checker)', () => {
    expect(Object.values(agreement).every(Boolean)).toBe(true);
  });
});
