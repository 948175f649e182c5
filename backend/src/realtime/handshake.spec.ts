import { CLOSE_CODES } from '@chatflow/protocol';
import type { IncomingMessage } from 'node:http';
import type { AuthService } from '../auth/auth.service';
import type { Access } from '../conversations/conversations.repository';
import type { ConversationsService } from '../conversations/conversations.service';
import type { ParticipantDirectory } from '../conversations/participant-directory';
import { Handshake } from './handshake';

const ALICE = 'alice-id';
const SESSION = 'session-id';
const EXPIRES = 1_900_000_000_000;
const CONVERSATION = '3f0c2a0e-6d1b-4c53-9a59-2b7b0f8f6a11';

function setup(access: Access = 'participant') {
  const positionsAsked: Array<string | undefined> = [];
  const auth = { identify: async (token?: string | null) => (token === 'good' ? { userId: ALICE, sessionId: SESSION, expiresAt: EXPIRES } : undefined) };
  const conversations = {
    access: async () => access,
    positions: async (_userId: string, only?: string) => {
      positionsAsked.push(only);
      return new Map([[only ?? 'every', 7]]);
    },
  };
  const directory = { of: async () => [ALICE, 'bob-id'] };
  const handshake = new Handshake(
    auth as unknown as AuthService,
    conversations as unknown as ConversationsService,
    directory as unknown as ParticipantDirectory,
  );
  return { handshake, positionsAsked };
}

function request(url: string, protocols?: string): IncomingMessage {
  return { url, headers: protocols ? { 'sec-websocket-protocol': protocols } : {} } as IncomingMessage;
}

describe('Handshake', () => {
  it('opens /ws for the token a browser offers as a subprotocol, following every conversation', async () => {
    const { handshake, positionsAsked } = setup();
    await expect(handshake.accept(request('/ws', 'chatflow.v1, bearer.good'))).resolves.toEqual({
      accepted: true,
      userId: ALICE,
      sessionId: SESSION,
      expiresAt: EXPIRES,
      positions: new Map([['every', 7]]),
    });
    expect(positionsAsked).toEqual([undefined]);
  });

  it('takes the token from ?token= too', async () => {
    await expect(setup().handshake.accept(request('/ws?token=good'))).resolves.toMatchObject({ accepted: true, userId: ALICE });
  });

  it.each([
    ['no token', '/ws', undefined],
    ['a token that names nobody (forged, expired or revoked)', '/ws?token=forged', undefined],
    ['a token segment whose percent-encoding is broken', `/ws/${CONVERSATION}/%E0%A4%A`, undefined],
  ])('refuses %s with 4401', async (_, url, protocols) => {
    await expect(setup().handshake.accept(request(url, protocols))).resolves.toEqual({
      accepted: false,
      code: CLOSE_CODES.unauthorized,
      reason: expect.any(String),
    });
  });

  it('refuses a path that is no endpoint with 4404', async () => {
    await expect(setup().handshake.accept(request('/ws/a/b/c/d?token=good'))).resolves.toMatchObject({
      accepted: false,
      code: CLOSE_CODES.notFound,
    });
  });

  it('opens the per-conversation socket for a participant, with the conversation and its participants', async () => {
    const { handshake, positionsAsked } = setup();
    const result = await handshake.accept(request(`/ws/${CONVERSATION.toUpperCase()}/good`));
    expect(result).toEqual({
      accepted: true,
      userId: ALICE,
      sessionId: SESSION,
      expiresAt: EXPIRES,
      conversationId: CONVERSATION,
      participants: new Set([ALICE, 'bob-id']),
      positions: new Map([[CONVERSATION, 7]]),
    });
    expect(positionsAsked).toEqual([CONVERSATION]);
  });

  it.each([
    ['a conversation id that is not a UUID', 'participant', '/ws/nope/good', CLOSE_CODES.notFound],
    ['a conversation that does not exist', 'missing', `/ws/${CONVERSATION}/good`, CLOSE_CODES.notFound],
    ['a conversation the user is not in', 'forbidden', `/ws/${CONVERSATION}/good`, CLOSE_CODES.forbidden],
  ] as const)('refuses %s', async (_, access, url, code) => {
    await expect(setup(access).handshake.accept(request(url))).resolves.toMatchObject({ accepted: false, code });
  });
});
