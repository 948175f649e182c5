import type { ConversationDto } from './dto/conversation.dto';
import type { MessageDto } from './dto/message.dto';

/**
 * What the conversations domain announces, each once its change is committed. REST and
 * WebSocket go through the same services, so both produce the same events; the real-time
 * layer subscribes and turns them into frames.
 */

/** A new message was stored: its conversation's change number `eventSeq`. */
export class MessageStored {
  static readonly topic = 'conversation.message-stored';

  constructor(
    readonly message: MessageDto,
    readonly eventSeq: number,
    readonly participantIds: string[],
    /** The connection that sent it, when it came over a WebSocket (it gets an `ack`). */
    readonly connectionId?: string,
  ) {}
}

/** A message was edited or its reactions changed: the whole message, at its new version. */
export class MessageUpdated {
  static readonly topic = 'conversation.message-updated';

  constructor(
    readonly message: MessageDto,
    readonly eventSeq: number,
    readonly participantIds: string[],
  ) {}
}

/** A message was deleted for everyone: its tombstone. */
export class MessageDeleted {
  static readonly topic = 'conversation.message-deleted';

  constructor(
    readonly message: MessageDto,
    readonly eventSeq: number,
    readonly participantIds: string[],
  ) {}
}

/** A participant read the conversation up to its newest message, or up to the newest they have seen. */
export class ConversationRead {
  static readonly topic = 'conversation.read';

  constructor(
    readonly conversationId: string,
    readonly userId: string,
    readonly lastReadTimestamp: string,
    readonly lastReadSeq: number,
    readonly participantIds: string[],
  ) {}
}

/** A participant's devices received the conversation's messages up to a newer one. */
export class MessagesDelivered {
  static readonly topic = 'conversation.delivered';

  constructor(
    readonly conversationId: string,
    readonly userId: string,
    readonly lastDeliveredTimestamp: string,
    readonly participantIds: string[],
  ) {}
}

/**
 * What differs between the participants' views of one conversation: each one's unread
 * count, and whose presence each may not see (someone who blocked them).
 */
export interface PersonalViews {
  unread: Record<string, number>;
  hiddenPresence: Record<string, string[]>;
}

/** A conversation was created (a one-on-one found again is not). */
export class ConversationCreated {
  static readonly topic = 'conversation.created';

  constructor(
    readonly conversation: ConversationDto,
    readonly personal: PersonalViews,
  ) {}
}

/** A group was renamed, or its members or roles changed: the conversation as it now is, at its change number. */
export class ConversationUpdated {
  static readonly topic = 'conversation.updated';

  constructor(
    readonly conversation: ConversationDto,
    readonly eventSeq: number,
    readonly personal: PersonalViews,
  ) {}
}
