import type { Message, SearchResult } from '../../api/client';
import { useMessageSearch } from '../../hooks/useMessageSearch';
import { useNameOf } from '../../hooks/useNameOf';
import { listTimestamp } from '../../lib/dates';
import { conversationTitle } from '../../lib/names';
import { useConversations } from '../../store/ChatSessionContext';
import { HighlightedText } from './HighlightedText';
import styles from './MessageSearchResults.module.css';

interface MessageSearchResultsProps {
  query: string;
  meId: string;
  onOpen: (conversationId: string, message: Message) => void;
}

/**
 * Messages of every chat that match the sidebar's search box, found by the server (so old
 * messages never loaded here are found too): each with its chat, sender, date and the
 * matching words marked; choosing one opens its chat at that message.
 */
export function MessageSearchResults({ query, meId, onOpen }: MessageSearchResultsProps) {
  const search = useMessageSearch(query);
  if (!search.searchable) return null;
  return (
    <section className={styles.section} aria-label="Messages found">
      <h2 className={styles.heading}>Messages</h2>
      {search.loading && (
        <p className={styles.status} role="status">
          Searching messages…
        </p>
      )}
      {search.error && (
        <p className={styles.status} role="alert">
          {search.error}
        </p>
      )}
      {!search.loading && !search.error && !search.results.length && (
        <p className={styles.status} role="status">
          No messages found
        </p>
      )}
      <ul className={styles.list}>
        {search.results.map((result) => (
          <ResultRow key={result.message.id} result={result} query={query} meId={meId} onOpen={onOpen} />
        ))}
      </ul>
      {search.hasMore && (
        <button type="button" className={styles.more} onClick={() => void search.more()}>
          More messages
        </button>
      )}
    </section>
  );
}

function ResultRow({ result, query, meId, onOpen }: { result: SearchResult; query: string; meId: string; onOpen: MessageSearchResultsProps['onOpen'] }) {
  const conversation = useConversations((s) => s.byId[result.conversation_id]);
  const nameOf = useNameOf(meId);
  const { message } = result;
  const sender = message.sender_id === meId ? 'You' : nameOf(message.sender_id);
  return (
    <li>
      <button type="button" className={styles.row} onClick={() => onOpen(result.conversation_id, message)}>
        <span className={styles.top}>
          <span className={styles.title}>{conversation ? conversationTitle(conversation, meId) : 'Chat'}</span>
          <time className={styles.time} dateTime={message.created_at}>
            {listTimestamp(message.created_at)}
          </time>
        </span>
        <span className={styles.preview}>
          <span className={styles.sender}>{sender}: </span>
          <HighlightedText text={message.content} query={query} />
        </span>
      </button>
    </li>
  );
}
