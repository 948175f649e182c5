import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainEvents } from '../platform/domain-events';
import { ConversationUpdated } from './conversation-events';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { GroupsService } from './groups.service';
import { MessagesRepository } from './messages.repository';

/**
 * A user leaves every conversation as their account is deleted: they leave each group as a
 * member would (a `member_left` notice, ownership handed on), and each of their one-on-ones
 * ends — its messages stay with the other person, who sees a deleted account and can no
 * longer write. The one-on-ones end in the same transaction as the account itself goes.
 */
@Injectable()
export class DeparturesService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly access: ConversationsService,
    private readonly groups: GroupsService,
    private readonly events: DomainEvents,
  ) {}

  /** `removeAccount` runs in the transaction that ends the one-on-ones (after they are locked). */
  async depart(userId: string, removeAccount: (tx: EntityManager) => Promise<void>): Promise<void> {
    for (const groupId of await this.conversations.groupIdsOf(userId)) {
      await this.groups.leave(userId, groupId).catch((error: unknown) => {
        // Removed from it meanwhile: nothing left to leave.
        if (!(error instanceof ForbiddenException || error instanceof NotFoundException)) throw error;
      });
    }
    const ended = await this.messages.transaction(async (tx) => {
      const ids = await this.conversations.endDirectConversationsOf(tx, userId);
      await removeAccount(tx);
      const changes: Array<{ id: string; eventSeq: number }> = [];
      for (const id of ids) changes.push({ id, eventSeq: await this.messages.recordChange(tx, id, 'conversation_updated', null) });
      return changes;
    });
    // Committed: the other person of each sees the account deleted and the chat read-only.
    for (const { id, eventSeq } of ended) {
      const announced = await this.access.announced(id);
      if (announced) this.events.publish(new ConversationUpdated(announced.conversation, eventSeq, announced.personal));
    }
  }
}
