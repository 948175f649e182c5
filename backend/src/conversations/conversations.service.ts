import { MAX_PARTICIPANTS } from '@chatflow/protocol';
import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DomainEvents } from '../platform/domain-events';
import { PresenceService } from '../presence/presence.service';
import { UsersService } from '../users/users.service';
import { ConversationCreated, ConversationRead } from './conversation-events';
import { Access, ConversationsRepository } from './conversations.repository';
import { MessagesRepository } from './messages.repository';
import type { ConversationDto, ReadStateDto } from './dto/conversation.dto';
import type { CreateConversationDto } from './dto/create-conversation.dto';
import { ParticipantDirectory } from './participant-directory';
import { Wire } from './wire';

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
  positions(userId: string, onlyConversationId?: string): Promise<Map<string, number>> {
    return this.conversations.positions(userId, onlyConversationId);
  }

  /** 404 when the conversation does not exist, 403 when the caller is not in it. */
  async assertParticipant(conversationId: string, userId: string): Promise<void> {
    const access = await this.conversations.access(conversationId, userId);
    if (access === 'missing') throw new NotFoundException('Conversation not found');
    if (access === 'forbidden') throw new ForbiddenException('You are not a participant of this conversation');
  }

  /** Three queries whatever the number of conversations (and one presence lookup). */
  async list(userId: string, onlyConversationId?: string): Promise<ConversationDto[]> {
    const summaries = await this.conversations.summaries(userId, onlyConversationId);
    const [participants, lastMessages] = await Promise.all([
      this.conversations.participants(summaries.map((s) => s.id)),
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
      id = await this.conversations.createGroup(userId, others, input.name);
    } else {
      if (others.length !== 1) throw new BadRequestException('A one-on-one conversation has exactly one other participant');
      ({ id, created } = await this.conversations.findOrCreateDirect(userId, others[0]));
    }
    const conversation = await this.get(userId, id);
    if (created) {
      this.directory.remember(id, conversation.participants.map((p) => p.id));
      this.events.publish(new ConversationCreated(conversation));
    }
    return { conversation, created };
  }

  async markRead(userId: string, conversationId: string): Promise<ReadStateDto> {
    await this.assertParticipant(conversationId, userId);
    const state = await this.conversations.markRead(conversationId, userId);
    const lastRead = state.last_read_timestamp.toISOString();
    this.events.publish(new ConversationRead(conversationId, userId, lastRead, await this.directory.of(conversationId)));
    return { conversation_id: conversationId, user_id: userId, last_read_timestamp: lastRead };
  }
}
