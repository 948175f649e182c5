import type { ConversationChangeEvent } from '@chatflow/protocol';
import { Injectable } from '@nestjs/common';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import type { EventsPageDto } from './dto/events-page.dto';
import type { ListEventsQueryDto } from './dto/list-events-query.dto';
import { statusResolver } from './message-status';
import { MessagesRepository } from './messages.repository';
import { Wire } from './wire';

/**
 * Every change of a conversation in `event_seq` order, read back from PostgreSQL as the
 * events that announced them: what a client that was away pages through, and what an
 * instance that missed events on the bus fills its gaps with. The feed keeps no content of
 * its own: each event shows its message as it is now (a later edit or deletion shows
 * through), so applying them in order, newest `version` winning, ends in the same state.
 */
@Injectable()
export class ChangeFeedService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly access: ConversationsService,
    private readonly wire: Wire,
  ) {}

  /** `GET /conversations/{id}/events`: the caller's page of changes after `after`. */
  async page(userId: string, conversationId: string, query: ListEventsQueryDto): Promise<EventsPageDto> {
    await this.access.assertParticipant(conversationId, userId);
    // Read first: the page may then run past it (a change committed in between), never fall short of it.
    const lastEventSeq = await this.conversations.lastEventSeq(conversationId);
    const events = await this.between(conversationId, query.after, Number.MAX_SAFE_INTEGER, query.limit ?? 100);
    return { events, last_event_seq: lastEventSeq };
  }

  /** The changes with afterEventSeq < event_seq < beforeEventSeq, oldest first, at most `limit`. */
  async between(conversationId: string, afterEventSeq: number, beforeEventSeq: number, limit: number): Promise<ConversationChangeEvent[]> {
    const changes = await this.messages.changes(conversationId, afterEventSeq, beforeEventSeq, limit);
    const messageIds = [...new Set(changes.flatMap((c) => (c.message_id ? [c.message_id] : [])))];
    if (!messageIds.length) return [];
    const [views, watermarks] = await Promise.all([this.messages.views(messageIds), this.conversations.watermarks(conversationId)]);
    const status = statusResolver(watermarks);
    const messages = new Map(views.map((v) => [v.id, this.wire.message(v, status(v.sender_id, Number(v.seq)))]));
    const events: ConversationChangeEvent[] = [];
    for (const change of changes) {
      const message = change.message_id ? messages.get(change.message_id) : undefined;
      if (!message) continue;
      const eventSeq = Number(change.event_seq);
      if (change.type === 'message') events.push({ type: 'message', message, event_seq: eventSeq });
      else if (change.type === 'message_updated' || change.type === 'message_deleted') {
        events.push({ type: change.type, conversation_id: conversationId, event_seq: eventSeq, message });
      }
    }
    return events;
  }
}
