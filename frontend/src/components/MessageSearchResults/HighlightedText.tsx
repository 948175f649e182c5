import { highlight } from '../../lib/text';

/** Text with the words a search matched marked (rendered as React text, never HTML). */
export function HighlightedText({ text, query }: { text: string; query: string }) {
  return (
    <>
      {highlight([{ kind: 'text', text }], query).map((segment, index) =>
        segment.kind === 'hit' ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
      )}
    </>
  );
}
