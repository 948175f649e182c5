import type { ConversationChangeEvent } from '@chatflow/protocol';
import { Injectable } from '@nestjs/common';
import type { PersonalViews } from './conversation-events';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import type { EventsPageDto } from './dto/events-page.dto';
import type { ListEventsQueryDto } from './dto/list-events-query.dto';
import { statusResolver } from './message-status';
import { ChangeRow, MessagesRepository } from './messages.repository';
import { Wire } from './wire';

/**
 * Every change of a conversation in `event_seq` order, read back from PostgreSQL as the
 * events that announced them: what a client that was away pages through, and what an
 * instance that missed events on the bus fills its gaps with. The feed keeps no content of
 * its own: each event shows its message as it is now (a later edit or deletion shows
 * through), so applying them in order, newest `version` winning, ends in the same state.
 */
/** A change as the feed returns it: its event, and for a conversation update what differs per participant. */
export interface FeedEntry {
  event: ConversationChangeEvent;
  personal?: PersonalViews;
}

@Injectable()
export class ChangeFeedService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly access: ConversationsService,
    private readonly wire: Wire,
  ) {}

  /**
   * `GET /conversations/{id}/events`: the caller's page of changes after `after` — only what
   * they may see: a member added later sees the changes from their `member_added` on, and no
   * change to a message from before it; a `conversation_updated` shows the conversation as
   * they see it now.
   */
  async page(userId: string, conversationId: string, query: ListEventsQueryDto): Promise<EventsPageDto> {
    const { joinedSeq, joinedEventSeq } = await this.access.member(conversationId, userId);
    // Read first: the page may then run past it (a change committed in between), never fall short of it.
    const lastEventSeq = await this.conversations.lastEventSeq(conversationId);
    const after = Math.max(query.after, joinedEventSeq - 1);
    // Only what they may see counts towards the limit: a page full of changes to older messages would end their catch-up.
    const events = (await this.between(conversationId, after, Number.MAX_SAFE_INTEGER, query.limit ?? 100, joinedSeq)).map((e) => e.event);
    const mine = events.some((e) => e.type === 'conversation_updated') ? await this.access.get(userId, conversationId) : undefined;
    return {
      events: events.map((e) => (e.type === 'conversation_updated' && mine ? { ...e, conversation: mine } : e)),
      last_event_seq: lastEventSeq,
    };
  }

  /**
   * The changes with afterEventSeq < event_seq < beforeEventSeq, oldest first, at most
   * `limit`, of messages from `fromSeq` on; a `conversation_updated` comes with what differs
   * for each participant.
   */
  async between(conversationId: string, afterEventSeq: number, beforeEventSeq: number, limit: number, fromSeq = 0): Promise<FeedEntry[]> {
    return (await this.read(conversationId, afterEventSeq, beforeEventSeq, limit, fromSeq)).entries;
  }

  /**
   * The same, and how far it read: through the last change of a full page, or through
   * beforeEventSeq - 1 when the range held fewer than `limit` changes (a number missing up
   * to there is a notice nobody is left to see).
   */
  async read(
    conversationId: string,
    afterEventSeq: number,
    beforeEventSeq: number,
    limit: number,
    fromSeq = 0,
  ): Promise<{ entries: FeedEntry[]; readThrough: number }> {
    const changes = await this.messages.changes(conversationId, afterEventSeq, beforeEventSeq, limit, fromSeq);
    const readThrough = changes.length < limit ? beforeEventSeq - 1 : Number(changes[changes.length - 1].event_seq);
    return { entries: await this.entriesOf(conversationId, changes), readThrough };
  }

  private async entriesOf(conversationId: string, changes: ChangeRow[]): Promise<FeedEntry[]> {
    if (!changes.length) return [];
    const messageIds = [...new Set(changes.flatMap((c) => (c.message_id ? [c.message_id] : [])))];
    const [views, members, announced] = await Promise.all([
      this.messages.views(messageIds),
      this.conversations.members(conversationId),
      changes.some((c) => c.type === 'conversation_updated') ? this.access.announced(conversationId) : undefined,
    ]);
    const status = statusResolver(members);
    const messages = new Map(views.map((v) => [v.id, this.wire.message(v, status(v.sender_id, Number(v.seq)))]));
    const entries: FeedEntry[] = [];
    for (const change of changes) {
      const eventSeq = Number(change.event_seq);
      if (change.type === 'conversation_updated') {
        // Nobody left in it: nobody to tell.
        if (announced) {
          entries.push({
            event: { type: 'conversation_updated', conversation_id: conversationId, event_seq: eventSeq, conversation: announced.conversation },
            personal: announced.personal,
          });
        }
        continue;
      }
      const message = change.message_id ? messages.get(change.message_id) : undefined;
      if (!message) continue;
      if (change.type === 'message') entries.push({ event: { type: 'message', message, event_seq: eventSeq } });
      else entries.push({ event: { type: change.type, conversation_id: conversationId, event_seq: eventSeq, message } });
    }
    return entries;
  }
}
