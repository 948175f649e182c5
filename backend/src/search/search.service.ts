import { BadRequestException, Injectable } from '@nestjs/common';
import { ConversationsService } from '../conversations/conversations.service';
import { MessagesService } from '../conversations/messages.service';
import { matchesQuery, searchWords } from '@chatflow/protocol';
import { BlindIndex } from '../platform/crypto/blind-index';
import { ContentCipher } from '../platform/crypto/content-cipher';
import type { SearchPageDto } from './dto/search-page.dto';
import type { SearchQueryDto } from './dto/search-query.dto';
import { type Candidate, type SearchCursor, SearchRepository } from './search.repository';

/** Words one query may hold. */
export const MAX_QUERY_WORDS = 10;

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
  ) {}

  async search(userId: string, query: SearchQueryDto): Promise<SearchPageDto> {
    const words = this.words(query.q);
    const limit = query.limit ?? 20;
    const conversationId = query.conversation_id?.toLowerCase();
    const scopes = conversationId
      ? [{ conversationId, joinedSeq: (await this.access.member(conversationId, userId)).joinedSeq }]
      : await this.repository.scopes(userId);
    let cursor = query.before ? await this.cursor(userId, query.before.toLowerCase(), conversationId) : undefined;
    if (!scopes.length) return { results: [], next_before: null };

    const tokens = scopes.flatMap((s) => this.index.queryTokens(s.conversationId, words));
    // One more than the page, to know whether another page follows.
    const found: Candidate[] = [];
    for (;;) {
      const batch = await this.repository.candidates(scopes, tokens, words.length, cursor, limit + 1);
      found.push(...batch.filter((c) => matchesQuery(this.cipher.open(c.content_ciphertext, c.content_key_id, c.id), words)));
      if (found.length > limit || batch.length <= limit) break;
      const last = batch[batch.length - 1];
      cursor = { createdAt: last.created_at, conversationId: last.conversation_id, seq: Number(last.seq) };
    }
    const page = found.slice(0, limit);
    const shown = new Map((await this.messages.views(page.map((c) => c.id))).map((m) => [m.id, m]));
    return {
      results: page.map((c) => ({ conversation_id: c.conversation_id, message: shown.get(c.id)! })),
      next_before: found.length > limit ? page[page.length - 1].id : null,
    };
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

