import { BEARER_SUBPROTOCOL_PREFIX, CLOSE_CODES, type CloseCode } from '@chatflow/protocol';
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AuthService } from '../auth/auth.service';
import type { Position } from '../conversations/conversations.repository';
import { ConversationsService } from '../conversations/conversations.service';
import { ParticipantDirectory } from '../conversations/participant-directory';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who a new connection is and what it follows, or why it is refused. */
export type HandshakeResult =
  | {
      accepted: true;
      userId: string;
      /** The session of its token, and when the token expires (ms since the epoch). */
      sessionId: string;
      expiresAt: number;
      /** Set on the per-conversation socket: it only hears about this conversation… */
      conversationId?: string;
      /** …and about the presence of its participants. */
      participants?: Set<string>;
      /** The conversations it follows, each with its newest change and where the user joined it. */
      positions: Map<string, Position>;
    }
  | { accepted: false; code: CloseCode; reason: string };

/**
 * Decides whether a WebSocket may open, from its URL and credentials: `/ws` with a token
 * (subprotocol `bearer.<token>` or `?token=`) follows every conversation of its user;
 * `/ws/{conversation_id}/{token}` follows that one conversation.
 */
@Injectable()
export class Handshake {
  constructor(
    private readonly auth: AuthService,
    private readonly conversations: ConversationsService,
    private readonly directory: ParticipantDirectory,
  ) {}

  /**
   * Whether the session is still live once the connection is registered: a revocation that
   * arrived between `accept` and registering found no connection to close, but made this
   * instance forget the session, so this asks PostgreSQL.
   */
  stillLive(userId: string, sessionId: string): Promise<boolean> {
    return this.auth.sessionIsLive(userId, sessionId);
  }

  async accept(request: IncomingMessage): Promise<HandshakeResult> {
    const url = new URL(request.url ?? '/', 'ws://localhost');
    const segments = url.pathname.split('/').filter(Boolean);
    const conversationSocket = segments.length === 3;
    if (segments.length !== 1 && !conversationSocket) return refuse(CLOSE_CODES.notFound, 'no such endpoint');

    const token = conversationSocket ? decodedSegment(segments[2]) : (bearerSubprotocol(request) ?? url.searchParams.get('token'));
    const holder = await this.auth.identify(token);
    if (!holder) return refuse(CLOSE_CODES.unauthorized, 'missing, invalid, expired or revoked token');
    const { userId, sessionId, expiresAt } = holder;
    if (!conversationSocket) return { accepted: true, userId, sessionId, expiresAt, positions: await this.conversations.positions(userId) };

    const conversationId = segments[1].toLowerCase();
    if (!UUID.test(conversationId)) return refuse(CLOSE_CODES.notFound, 'no such conversation');
    const access = await this.conversations.access(conversationId, userId);
    if (access === 'missing') return refuse(CLOSE_CODES.notFound, 'no such conversation');
    if (access === 'forbidden') return refuse(CLOSE_CODES.forbidden, 'not a participant');
    const participants = new Set(await this.directory.of(conversationId));
    return { accepted: true, userId, sessionId, expiresAt, conversationId, participants, positions: await this.conversations.positions(userId, conversationId) };
  }
}

function refuse(code: CloseCode, reason: string): HandshakeResult {
  return { accepted: false, code, reason };
}

function bearerSubprotocol(request: IncomingMessage): string | undefined {
  const offered = request.headers['sec-websocket-protocol'];
  if (typeof offered !== 'string') return undefined;
  const bearer = offered
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX));
  return bearer?.slice(BEARER_SUBPROTOCOL_PREFIX.length);
}

/** A path segment, percent-decoded; undefined when its encoding is broken. */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
