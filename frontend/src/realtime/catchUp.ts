import type { Message } from '../api/client';

/**
 * Pages a conversation's history forward from `afterId` until the server returns an empty
 * page, handing each page on as it arrives. Started after `ready`, this recovers every
 * message missed while disconnected exactly once (API.md: "Paging with after … until an
 * empty page returns every message it missed exactly once").
 */
export async function pageAfter(
  afterId: string,
  fetchPage: (after: string) => Promise<Message[]>,
  onPage: (messages: Message[]) => void,
): Promise<number> {
  let cursor = afterId;
  let total = 0;
  for (;;) {
    const page = await fetchPage(cursor);
    const last = page[page.length - 1];
    if (!last) return total;
    onPage(page);
    total += page.length;
    cursor = last.id;
  }
}
