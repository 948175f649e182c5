import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import { ConversationsService } from '../conversations/conversations.service';
import { MessagesService } from '../conversations/messages.service';
import { matchesQuery, searchWords } from '@chatflow/protocol';
import { BlindIndex } from '../platform/crypto/blind-index';
import { ContentCipher } from '../platform/crypto/content-cipher';
import type { SearchPageDto } from './dto/search-page.dto';
import type { SearchQueryDto } from './dto/search-query.dto';
import { type Candidate, type SearchCursor, type SearchScope, SearchRepository } from './search.repository';

/** Words one query may hold. */
export const MAX_QUERY_WORDS = 10;

/** Conversations asked in the first statement of a search across conversations; each next statement asks twice as many. */
const FIRST_BATCH = 16;

/** The newest a search position can be: later than any message. */
const NEWEST: SearchCursor = { createdAt: new Date(8.64e15), conversationId: 'ffffffff-ffff-ffff-ffff-ffffffffffff', seq: Number.MAX_SAFE_INTEGER };

function position(c: Candidate): SearchCursor {
  return { createdAt: c.created_at, conversationId: c.conversation_id, seq: Number(c.seq) };
}

/** Search order (created_at, then conversation id, then seq), as PostgreSQL compares the row values (uuids byte-wise, so as lowercase text). */
function compare(a: SearchCursor, b: SearchCursor): number {
  return (
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0) ||
    a.seq - b.seq
  );
}

/**
 * No result from this conversation can be newer than this: its messages are no later than its
 * last one (a message is stored with its conversation's last_message_at), and a result is older
 * than the cursor. Unknown activity (a search of one conversation) bounds nothing.
 */
function upperBound(scope: SearchScope, cursor: SearchCursor | undefined): SearchCursor {
  const last = scope.lastMessageAt ? { createdAt: scope.lastMessageAt, conversationId: scope.conversationId, seq: Number.MAX_SAFE_INTEGER } : NEWEST;
  const limit = cursor ?? NEWEST;
  return compare(last, limit) < 0 ? last : limit;
}

/**
 * Search over messages encrypted at rest. The blind index names candidates (messages of the
 * caller's conversations, since they joined, whose tokens hold every query word's); each is
 * decrypted here and kept only if its text really matches — a 32-bit token is a candidate,
 * not a proof — so no false positive reaches the caller. Newest first, paged by keyset.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly repository: SearchRepository,
    private readonly access: ConversationsService,
    private readonly messages: MessagesService,
    private readonly index: BlindIndex,
    private readonly cipher: ContentCipher,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'limits'>,
  ) {}

  async search(userId: string, query: SearchQueryDto): Promise<SearchPageDto> {
    // Each search costs an index lookup per conversation and a decryption per candidate: bounded per user (and every instance, through Redis).
    await this.limiter.take(
      [{ key: `message-search:user:${userId}`, max: this.config.limits.messageSearchesPerMinutePerUser, windowMs: 60_000 }],
      'Too many searches; try again in a moment',
    );
    const words = this.words(query.q);
    const limit = query.limit ?? 20;
    const conversationId = query.conversation_id?.toLowerCase();
    const scopes = conversationId
      ? [{ conversationId, joinedSeq: (await this.access.member(conversationId, userId)).joinedSeq }]
      : await this.repository.scopes(userId);
    const cursor = query.before ? await this.cursor(userId, query.before.toLowerCase(), conversationId) : undefined;
    if (!scopes.length) return { results: [], next_before: null };

    // One more than the page, to know whether another page follows.
    const found = await this.newest(scopes, words, cursor, limit + 1);
    const page = found.slice(0, limit);
    const shown = new Map((await this.messages.views(page.map((c) => c.id))).map((m) => [m.id, m]));
    return {
      results: page.map((c) => ({ conversation_id: c.conversation_id, message: shown.get(c.id)! })),
      next_before: found.length > limit ? page[page.length - 1].id : null,
    };
  }

  /**
   * The newest `wanted` matches older than the cursor, newest first. The conversations are
   * walked by their last activity, newest first, in batches that double (one index lookup per
   * conversation, one statement per batch), and the walk stops once `wanted` matches are newer
   * than anything a conversation not yet asked could hold — for a common word, after the few
   * most active conversations instead of all of them.
   */
  private async newest(scopes: SearchScope[], words: string[], cursor: SearchCursor | undefined, wanted: number): Promise<Candidate[]> {
    // Each conversation's newest possible result (its last message, within the cursor), best first.
    const ordered = scopes
      .map((scope) => ({ scope, bound: upperBound(scope, cursor) }))
      .sort((a, b) => compare(b.bound, a.bound));
    let found: Candidate[] = [];
    let batchSize = FIRST_BATCH;
    for (let start = 0; start < ordered.length; start += batchSize, batchSize *= 2) {
      if (found.length >= wanted && compare(position(found[wanted - 1]), ordered[start].bound) > 0) break;
      const batch = ordered.slice(start, start + batchSize).map((o) => o.scope);
      found = [...found, ...(await this.confirmed(batch, words, cursor, wanted))].sort((a, b) => compare(position(b), position(a))).slice(0, wanted);
    }
    return found;
  }

  /** The newest `wanted` messages of these conversations, older than the cursor, that really match (candidates confirmed on their text). */
  private async confirmed(scopes: SearchScope[], words: string[], cursor: SearchCursor | undefined, wanted: number): Promise<Candidate[]> {
    const tokens = scopes.flatMap((s) => this.index.queryTokens(s.conversationId, words));
    const found: Candidate[] = [];
    for (;;) {
      const batch = await this.repository.candidates(scopes, tokens, words.length, cursor, wanted);
      found.push(...batch.filter((c) => matchesQuery(this.cipher.open(c.content_ciphertext, c.content_key_id, c.id), words)));
      if (found.length >= wanted || batch.length < wanted) return found.slice(0, wanted);
      // Some candidates were not matches (a shared token): ask for older ones.
      cursor = position(batch[batch.length - 1]);
    }
  }

  /** The query's distinct words, normalised as the index is; 400 when there are none or too many. */
  private words(q: string): string[] {
    if ([...q].length < 2) throw new BadRequestException('q must be at least 2 characters');
    const words = searchWords(q);
    if (!words.length) throw new BadRequestException('q holds no word to search for (emoji and punctuation are ignored)');
    if (words.length > MAX_QUERY_WORDS) throw new BadRequestException(`q may hold at most ${MAX_QUERY_WORDS} words`);
    return words;
  }

  private async cursor(userId: string, before: string, conversationId: string | undefined): Promise<SearchCursor> {
    const cursor = await this.repository.cursor(userId, before);
    if (!cursor || (conversationId && cursor.conversationId !== conversationId)) {
      throw new BadRequestException('before is not a message of this search');
    }
    return cursor;
  }
}

