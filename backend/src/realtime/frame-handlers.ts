import { Injectable } from '@nestjs/common';
import { ConversationsService } from '../conversations/conversations.service';
import { MessagesService } from '../conversations/messages.service';
import { Announcer } from './announcer';
import type { Connection } from './connection';
import { FrameError, MessageFrame, ReadFrame, TypingFrame, validFrame } from './frames';

/**
 * What each client frame does, through the same services REST uses. Each handler runs
 * in its connection's turn (one frame at a time, in order) and throws to refuse a frame.
 */
@Injectable()
export class FrameHandlers {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly announcer: Announcer,
  ) {}

  async message(connection: Connection, frame: unknown): Promise<void> {
    const valid = await validFrame(MessageFrame, frame);
    const conversationId = await this.conversationOf(connection, valid.conversation_id);
    const { message, eventSeq, created } = await this.messages.send(
      connection.userId,
      conversationId,
      { content: valid.content, client_id: valid.client_id, reply_to_id: valid.reply_to_id, attachment_ids: valid.attachment_ids },
      // A conversation this connection follows needs no check first: the statement that stores
      // the message refuses it if the sender is no longer a participant.
      { connectionId: connection.id, participantVerified: connection.follows.has(conversationId) },
    );
    // A new message's ack travels with its event, in conversation order; a resend's comes now.
    if (!created) connection.send({ type: 'ack', client_id: message.client_id, message, event_seq: eventSeq });
  }

  async typing(connection: Connection, frame: unknown): Promise<void> {
    const valid = await validFrame(TypingFrame, frame);
    const conversationId = await this.conversationOf(connection, valid.conversation_id);
    await this.announcer.typing(conversationId, connection.userId, valid.is_typing);
  }

  async read(connection: Connection, frame: unknown): Promise<void> {
    const valid = await validFrame(ReadFrame, frame);
    await this.conversations.markRead(connection.userId, await this.conversationOf(connection, valid.conversation_id), valid.up_to_seq);
  }

  /** The conversation a frame acts on: the socket's own, or the one it names on `/ws`. */
  private async conversationOf(connection: Connection, given: string | undefined): Promise<string> {
    const named = given?.toLowerCase();
    if (connection.conversationId) {
      if (named && named !== connection.conversationId) {
        throw new FrameError('invalid_frame', 'This socket belongs to another conversation');
      }
      return connection.conversationId;
    }
    if (!named) throw new FrameError('invalid_frame', 'conversation_id is required on /ws');
    if (!connection.follows.has(named)) await this.conversations.assertParticipant(named, connection.userId);
    return named;
  }
}
