import { MAX_PARTICIPANTS } from '@chatflow/protocol';
import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DomainEvents } from '../platform/domain-events';
import { PresenceService } from '../presence/presence.service';
import { UsersService } from '../users/users.service';
import { ConversationCreated, ConversationRead, type PersonalViews } from './conversation-events';
import { Access, ConversationsRepository, type ConversationSummaryRow, type Member, type Position } from './conversations.repository';
import { MessagesRepository } from './messages.repository';
import type { ConversationDto, ReadStateDto } from './dto/conversation.dto';
import type { CreateConversationDto } from './dto/create-conversation.dto';
import { ParticipantDirectory } from './participant-directory';
import { Wire } from './wire';

/** A user id that is nobody's: a view of a conversation that no block hides anything from. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/** What someone who was blocked hears when they try to bring the blocker into a conversation (blocking is private). */
const NOT_ACCEPTED = 'You cannot start a conversation with or add this person';

@Injectable()
export class ConversationsService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly wire: Wire,
    private readonly presence: PresenceService,
    private readonly users: UsersService,
    private readonly events: DomainEvents,
    private readonly directory: ParticipantDirectory,
  ) {}

  /** Whether the conversation exists and the user is in it. */
  access(conversationId: string, userId: string): Promise<Access> {
    return this.conversations.access(conversationId, userId);
  }

  /** The user's conversations (or just the one given) with the change number (event_seq) of each one's newest change. */
  positions(userId: string, onlyConversationId?: string): Promise<Map<string, Position>> {
    return this.conversations.positions(userId, onlyConversationId);
  }

  /** The newest change of each of these conversations. */
  heads(conversationIds: string[]): Promise<Map<string, number>> {
    return this.conversations.heads(conversationIds);
  }

  /** The conversations of these users, each with where the user stands in it. */
  membershipsOf(userIds: string[]): Promise<Array<{ userId: string; conversationId: string; position: Position }>> {
    return this.conversations.membershipsOf(userIds);
  }

  /** The caller's place in the conversation: 404 when it does not exist, 403 when they are not in it. */
  async member(conversationId: string, userId: string): Promise<Pick<Member, 'role' | 'joinedSeq' | 'joinedEventSeq'>> {
    const membership = await this.conversations.membership(conversationId, userId);
    if (membership === undefined) throw new NotFoundException('Conversation not found');
    if (membership === null) throw new ForbiddenException('You are not a participant of this conversation');
    return membership;
  }

  /** 404 when the conversation does not exist, 403 when the caller is not in it. */
  async assertParticipant(conversationId: string, userId: string): Promise<void> {
    const access = await this.conversations.access(conversationId, userId);
    if (access === 'missing') throw new NotFoundException('Conversation not found');
    if (access === 'forbidden') throw new ForbiddenException('You are not a participant of this conversation');
  }

  /** Three queries whatever the number of conversations (and one presence lookup). */
  async list(userId: string, onlyConversationId?: string): Promise<ConversationDto[]> {
    return this.views(await this.conversations.summaries(userId, onlyConversationId), userId);
  }

  /**
   * The conversation as the event announcing a change to it carries it to every participant:
   * the shared view, and what differs for each (their unread count, whose presence they may
   * not see). Undefined once nobody is in it.
   */
  async announced(conversationId: string): Promise<{ conversation: ConversationDto; personal: PersonalViews } | undefined> {
    const summary = await this.conversations.summary(conversationId);
    if (!summary) return undefined;
    const [conversation] = await this.views([summary], NOBODY);
    if (!conversation.participants.length) return undefined;
    const [unread, hidden] = await Promise.all([this.conversations.unreadCounts(conversationId), this.conversations.blockedViewers(conversationId)]);
    return { conversation, personal: { unread: Object.fromEntries(unread), hiddenPresence: Object.fromEntries(hidden) } };
  }

  private async views(summaries: ConversationSummaryRow[], viewerId: string): Promise<ConversationDto[]> {
    const [participants, lastMessages] = await Promise.all([
      this.conversations.participants(summaries.map((s) => s.id), viewerId),
      this.messages.views(summaries.flatMap((s) => (s.last_message_id ? [s.last_message_id] : []))),
    ]);
    const lastById = new Map(lastMessages.map((m) => [m.id, m]));
    const online = await this.presence.onlineAmong(participants.map((p) => p.user_id));
    const byConversation = new Map<string, typeof participants>();
    for (const p of participants) {
      const list = byConversation.get(p.conversation_id) ?? [];
      list.push(p);
      byConversation.set(p.conversation_id, list);
    }
    return summaries.map((s) =>
      this.wire.conversation(s, s.last_message_id ? lastById.get(s.last_message_id) : undefined, byConversation.get(s.id) ?? [], online),
    );
  }

  async get(userId: string, conversationId: string): Promise<ConversationDto> {
    await this.assertParticipant(conversationId, userId);
    const [conversation] = await this.list(userId, conversationId);
    return conversation;
  }

  async create(userId: string, input: CreateConversationDto): Promise<{ conversation: ConversationDto; created: boolean }> {
    if (input.participant_ids && input.user_ids) {
      throw new BadRequestException('Give participant_ids or user_ids, not both');
    }
    const others = [...new Set((input.participant_ids ?? input.user_ids ?? []).map((id) => id.toLowerCase()))].filter(
      (id) => id !== userId,
    );
    if (others.length === 0) throw new BadRequestException('Name at least one other participant');
    if (others.length + 1 > MAX_PARTICIPANTS) {
      throw new BadRequestException(`A conversation has at most ${MAX_PARTICIPANTS} participants`);
    }
    const known = await this.users.existing(others);
    const unknown = others.filter((id) => !known.has(id));
    if (unknown.length) throw new BadRequestException(`Unknown user id: ${unknown.join(', ')}`);

    const isGroup = input.is_group_chat ?? others.length > 1;
    let id: string;
    let created = true;
    if (isGroup) {
      if (!input.name) throw new BadRequestException('A group conversation needs a name');
      await this.assertNotBlockedBy(userId, others);
      id = await this.conversations.createGroup(userId, others, input.name);
    } else {
      if (others.length !== 1) throw new BadRequestException('A one-on-one conversation has exactly one other participant');
      if ((await this.users.blockersOf(userId, others)).size) {
        // A one-on-one that already exists is already theirs: it is found again, never made.
        const existing = await this.conversations.findDirect(userId, others[0]);
        if (!existing) throw new ForbiddenException(NOT_ACCEPTED);
        return { conversation: await this.get(userId, existing), created: false };
      }
      ({ id, created } = await this.conversations.findOrCreateDirect(userId, others[0]));
    }
    const conversation = await this.get(userId, id);
    if (created) {
      this.directory.remember(id, conversation.participants.map((p) => p.id));
      const announced = await this.announced(id);
      if (announced) this.events.publish(new ConversationCreated(announced.conversation, announced.personal));
    }
    return { conversation, created };
  }

  /** Nobody can bring someone who blocked them into a conversation: 403, saying no more. */
  async assertNotBlockedBy(userId: string, otherIds: string[]): Promise<void> {
    if ((await this.users.blockersOf(userId, otherIds)).size) throw new ForbiddenException(NOT_ACCEPTED);
  }

  /** Reads every message, or those up to `upToSeq` (the newest the reader has seen). */
  async markRead(userId: string, conversationId: string, upToSeq?: number): Promise<ReadStateDto> {
    await this.assertParticipant(conversationId, userId);
    const state = await this.conversations.markRead(conversationId, userId, upToSeq);
    // Removed between the check and the write.
    if (!state) throw new ForbiddenException('You are not a participant of this conversation');
    const lastRead = state.last_read_timestamp.toISOString();
    const lastReadSeq = Number(state.last_read_seq);
    this.events.publish(new ConversationRead(conversationId, userId, lastRead, lastReadSeq, await this.directory.of(conversationId)));
    return { conversation_id: conversationId, user_id: userId, last_read_timestamp: lastRead, last_read_seq: lastReadSeq };
  }
}
