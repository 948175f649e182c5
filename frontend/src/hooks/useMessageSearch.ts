import { searchWords } from '@chatflow/protocol';
import { useCallback, useEffect, useState } from 'react';
import type { SearchResult } from '../api/client';
import { useChatSession } from '../store/ChatSessionContext';

/** How long typing must pause before the server is asked. */
export const SEARCH_DEBOUNCE_MS = 250;

interface Found {
  /** The query (and conversation) these results answer. */
  key: string;
  results: SearchResult[];
  nextBefore: string | null;
  error: string | null;
}

export interface MessageSearch {
  /** The query holds a word the server can look for (2 characters or more, not only emoji or punctuation). */
  searchable: boolean;
  loading: boolean;
  /** Newest first. */
  results: SearchResult[];
  hasMore: boolean;
  error: string | null;
  /** Loads the next page below the results held. */
  more: () => Promise<void>;
}

/** Whether the server would search for this text (it answers 400 otherwise). */
export function isSearchable(query: string): boolean {
  const q = query.trim();
  return [...q].length >= 2 && searchWords(q).length > 0;
}

/**
 * Messages found by the server (GET /search) for what the user types, in one conversation or
 * in all of theirs: asked once typing pauses; an answer to an older query is dropped.
 */
export function useMessageSearch(query: string, conversationId?: string): MessageSearch {
  const session = useChatSession();
  const q = query.trim();
  const searchable = isSearchable(q);
  const key = `${conversationId ?? ''}\n${q}`;
  const [found, setFound] = useState<Found | null>(null);

  useEffect(() => {
    if (!searchable) return undefined;
    let current = true;
    const timer = setTimeout(() => {
      session.searchMessages(q, { conversationId }).then(
        (page) => current && setFound({ key, results: page.results, nextBefore: page.next_before, error: null }),
        (error: unknown) =>
          current && setFound({ key, results: [], nextBefore: null, error: error instanceof Error ? error.message : 'Search failed' }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [session, q, conversationId, key, searchable]);

  const fresh = searchable && found?.key === key ? found : null;
  const more = useCallback(async () => {
    if (!fresh?.nextBefore) return;
    const page = await session.searchMessages(q, { conversationId, before: fresh.nextBefore });
    setFound((held) =>
      held?.key === key ? { ...held, results: [...held.results, ...page.results], nextBefore: page.next_before } : held,
    );
  }, [session, q, conversationId, key, fresh?.nextBefore]);

  return {
    searchable,
    loading: searchable && !fresh,
    results: fresh?.results ?? [],
    hasMore: Boolean(fresh?.nextBefore),
    error: fresh?.error ?? null,
    more,
  };
}
