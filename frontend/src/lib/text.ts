import { countCharacters, matchingWordRanges, MAX_CONTENT_CHARACTERS, messageText, searchWords } from '@chatflow/protocol';

/** Splits message text into plain text, links and search hits, for rendering as React text (never HTML). */

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'hit'; text: string };

// http(s) URLs, and addresses written from `www.` (not inside a longer name, an e-mail address or a path).
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+|(?<![\p{L}\p{N}_.@/-])www\.[^\s<>"']+/giu;
/** `www.` and a name with a dot in it: "www.example.com", not "www.example". */
const WWW_ADDRESS = /^www\.[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?:[/?#:]|$)/iu;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/u;

/** http(s) URLs only; anything else (javascript:, data:, …) stays plain text. */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function linkify(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    let raw = match[0];
    // "see https://example.com." — the full stop ends the sentence, not the URL.
    const trailing = raw.match(TRAILING_PUNCTUATION)?.[0] ?? '';
    if (trailing && !(trailing.startsWith(')') && raw.includes('('))) raw = raw.slice(0, raw.length - trailing.length);
    const www = /^www\./iu.test(raw);
    if (www && !WWW_ADDRESS.test(raw)) continue;
    // "www.example.com" is the web address https://www.example.com.
    const href = safeHref(www ? `https://${raw}` : raw);
    if (!href) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/**
 * Marks the words that the server's search matched for `query` inside text segments (links
 * keep their target): whole words equal to a query word or, from 3 characters, starting with
 * one — ignoring case and diacritics, as GET /search does.
 */
export function highlight(segments: Segment[], query: string): Segment[] {
  const words = searchWords(query);
  if (!words.length) return segments;
  return segments.flatMap((segment): Segment[] => {
    if (segment.kind !== 'text') return [segment];
    const out: Segment[] = [];
    let from = 0;
    for (const [start, end] of matchingWordRanges(segment.text, words)) {
      if (start > from) out.push({ kind: 'text', text: segment.text.slice(from, start) });
      out.push({ kind: 'hit', text: segment.text.slice(start, end) });
      from = end;
    }
    if (from < segment.text.length) out.push({ kind: 'text', text: segment.text.slice(from) });
    return out;
  });
}

/**
 * The content a message with this text is sent as (as the server stores it: no blank lines
 * before it or white space after it, its indentation kept), when it has 1 to
 * MAX_CONTENT_CHARACTERS characters once trimmed, counted as the server counts them; null when
 * the server would refuse it.
 */
export function sendableContent(text: string): string | null {
  const counted = text.trim();
  return counted !== '' && countCharacters(counted) <= MAX_CONTENT_CHARACTERS ? messageText(text) : null;
}

/**
 * The caption of a message that carries files: as sendableContent, but "" when there is no
 * text (the server takes an empty `content` with attachments); null when it is too long.
 */
export function captionContent(text: string): string | null {
  return text.trim() === '' ? '' : sendableContent(text);
}
