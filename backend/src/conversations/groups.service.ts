import { MAX_PARTICIPANTS } from '@chatflow/protocol';
import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainEvents } from '../platform/domain-events';
import { UsersService } from '../users/users.service';
import { ConversationUpdated, MessageStored } from './conversation-events';
import { ConversationsRepository, type Member } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import type { ConversationDto } from './dto/conversation.dto';
import type { SystemNotice } from './message.entity';
import { statusResolver } from './message-status';
import { MessagesRepository } from './messages.repository';
import { ParticipantDirectory } from './participant-directory';
import { Wire } from './wire';

/** What a change to a group decided: the notice for the timeline, and what to do once it is written. */
interface GroupChange {
  notice: Omit<SystemNotice, 'actor_id'>;
  /** Runs in the same transaction after the system message is written (its position is where added members join). */
  afterNotice?: (tx: EntityManager, seq: number, eventSeq: number) => Promise<void>;
  /** Users who are no longer in the group afterwards (they still get the notice). */
  leaving?: string[];
}

/**
 * Groups that change: rename, add and remove members, promote and demote, leave. Each change
 * runs in one transaction that locks the conversation (so it is ordered with every message
 * and change of that conversation), applies the role rules against the members as they are
 * then, writes a system message and takes a change number for the conversation itself —
 * then, once committed, announces both.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly access: ConversationsService,
    private readonly users: UsersService,
    private readonly directory: ParticipantDirectory,
    private readonly wire: Wire,
    private readonly events: DomainEvents,
  ) {}

  /** Owner or admin; the same name again changes nothing. */
  rename(userId: string, conversationId: string, name: string): Promise<ConversationDto> {
    return this.changeAndShow(userId, conversationId, async (tx, group, me) => {
      assertManager(me);
      if (group.name === name) return null;
      await this.conversations.rename(tx, conversationId, name);
      return { notice: { action: 'renamed', user_ids: [], name, role: null } };
    });
  }

  /** Owner or admin; users already in the group are ignored; someone who blocked the caller cannot be added. */
  addMembers(userId: string, conversationId: string, userIds: string[]): Promise<ConversationDto> {
    return this.changeAndShow(userId, conversationId, async (_tx, _group, me, members) => {
      assertManager(me);
      const present = new Set(members.map((m) => m.userId));
      const added = [...new Set(userIds.map((id) => id.toLowerCase()))].filter((id) => !present.has(id));
      if (!added.length) return null;
      const known = await this.users.existing(added);
      const unknown = added.filter((id) => !known.has(id));
      if (unknown.length) throw new BadRequestException(`Unknown user id: ${unknown.join(', ')}`);
      if (members.length + added.length > MAX_PARTICIPANTS) {
        throw new BadRequestException(`A conversation has at most ${MAX_PARTICIPANTS} participants`);
      }
      await this.access.assertNotBlockedBy(userId, added);
      return {
        notice: { action: 'member_added', user_ids: added, name: null, role: null },
        afterNotice: (tx, seq, eventSeq) => this.conversations.addMembers(tx, conversationId, added, seq, eventSeq),
      };
    });
  }

  /** Admins remove members; only the owner removes admins; nobody removes the owner. */
  removeMember(userId: string, conversationId: string, targetId: string): Promise<ConversationDto> {
    return this.changeAndShow(userId, conversationId, async (tx, _group, me, members) => {
      if (targetId === userId) throw new BadRequestException('To leave the group, use POST /conversations/{id}/leave');
      const target = members.find((m) => m.userId === targetId);
      if (!target) throw new NotFoundException('Not a participant of this conversation');
      assertManager(me);
      if (target.role === 'owner') throw new ForbiddenException('Nobody can remove the owner of a group');
      if (target.role === 'admin' && me.role !== 'owner') throw new ForbiddenException('Only the owner can remove an admin');
      await this.conversations.removeMember(tx, conversationId, targetId);
      return { notice: { action: 'member_removed', user_ids: [targetId], name: null, role: null }, leaving: [targetId] };
    });
  }

  /** The owner makes a member an admin or an admin a member. */
  changeRole(userId: string, conversationId: string, targetId: string, role: 'admin' | 'member'): Promise<ConversationDto> {
    return this.changeAndShow(userId, conversationId, async (tx, _group, me, members) => {
      if (me.role !== 'owner') throw new ForbiddenException('Only the owner of a group changes roles');
      const target = members.find((m) => m.userId === targetId);
      if (!target) throw new NotFoundException('Not a participant of this conversation');
      if (target.role === 'owner') throw new BadRequestException('The owner’s role cannot change (the owner hands it on by leaving)');
      if (target.role === role) return null;
      await this.conversations.setRole(tx, conversationId, targetId, role);
      return { notice: { action: 'role_changed', user_ids: [targetId], name: null, role } };
    });
  }

  /**
   * The caller leaves. An owner who leaves hands ownership to the longest-standing admin,
   * else the longest-standing member. The last one out leaves an empty group nobody sees.
   */
  async leave(userId: string, conversationId: string): Promise<void> {
    await this.change(userId, conversationId, async (tx, _group, me, members) => {
      await this.conversations.removeMember(tx, conversationId, userId);
      const rest = members.filter((m) => m.userId !== userId);
      if (me.role === 'owner' && rest.length) {
        const successor = rest.find((m) => m.role === 'admin') ?? rest[0];
        await this.conversations.setRole(tx, conversationId, successor.userId, 'owner');
      }
      return { notice: { action: 'member_left', user_ids: [userId], name: null, role: null }, leaving: [userId] };
    });
  }

  private async changeAndShow(
    userId: string,
    conversationId: string,
    decide: (tx: EntityManager, group: { name: string | null }, me: Member, members: Member[]) => Promise<GroupChange | null>,
  ): Promise<ConversationDto> {
    await this.change(userId, conversationId, decide);
    return this.access.get(userId, conversationId);
  }

  /**
   * One transaction: lock the conversation (404, also once nobody is in it), refuse a one-on-one
   * (400) and a non-member (403), let `decide` apply the rules and write; unless it changed
   * nothing, write the system message and take the conversation's change number. Then
   * announce both.
   */
  private async change(
    userId: string,
    conversationId: string,
    decide: (tx: EntityManager, group: { name: string | null }, me: Member, members: Member[]) => Promise<GroupChange | null>,
  ): Promise<void> {
    const written = await this.messages.transaction(async (tx) => {
      const group = await this.conversations.lock(tx, conversationId);
      const members = group ? await this.conversations.members(conversationId, tx) : [];
      // A group whose last member left is one nobody sees.
      if (!group || !members.length) throw new NotFoundException('Conversation not found');
      const me = members.find((m) => m.userId === userId);
      if (!me) throw new ForbiddenException('You are not a participant of this conversation');
      if (!group.is_group_chat) throw new BadRequestException('A one-on-one conversation has no members, name or roles to change');
      const change = await decide(tx, group, me, members);
      if (!change) return null;
      const notice: SystemNotice = { actor_id: userId, ...change.notice };
      const message = await this.messages.appendSystemMessage(tx, conversationId, userId, notice);
      await change.afterNotice?.(tx, Number(message.seq), Number(message.event_seq));
      const updateSeq = await this.messages.recordChange(tx, conversationId, 'conversation_updated', null);
      return { message, updateSeq, audience: [...members.map((m) => m.userId), ...notice.user_ids] };
    });
    if (!written) return;
    this.directory.forget(conversationId);
    const { message, updateSeq, audience } = written;
    const members = await this.conversations.members(conversationId);
    const dto = this.wire.message({ ...message, ...NO_REPLY, reactions: null, attachments: null }, statusResolver(members)(message.sender_id, Number(message.seq)));
    // Everyone who was or now is in the group hears the notice (a removed member sees why the
    // chat went quiet); then the conversation as it now is goes to those still in it.
    this.events.publish(new MessageStored(dto, Number(message.event_seq), [...new Set(audience)]));
    const announced = await this.access.announced(conversationId);
    if (announced) this.events.publish(new ConversationUpdated(announced.conversation, updateSeq, announced.personal));
  }
}

const NO_REPLY = { reply_id: null, reply_sender_id: null, reply_ciphertext: null, reply_key_id: null, reply_deleted_at: null };

function assertManager(me: Member): void {
  if (me.role === 'member') throw new ForbiddenException('Only the owner and the admins of a group can do this');
}
