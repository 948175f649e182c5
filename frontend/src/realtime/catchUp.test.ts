import type { Message } from '../api/client';
import { makeMessage } from '../test-utils/fixtures';
import { pageAfter } from './catchUp';

const page = (ids: string[]): Message[] => ids.map((id) => makeMessage({ id, conversation_id: 'c', sender_id: 'u' }));

describe('pageAfter', () => {
  it('pages with `after` from the last id of each page until a page is empty', async () => {
    const pages: Record<string, Message[]> = { m0: page(['m1', 'm2']), m2: page(['m3']), m3: [] };
    const fetchPage = jest.fn(async (after: string) => pages[after] ?? []);
    const received: string[] = [];
    const total = await pageAfter('m0', fetchPage, (messages) => received.push(...messages.map((m) => m.id)));
    expect(fetchPage.mock.calls.map(([after]) => after)).toEqual(['m0', 'm2', 'm3']);
    expect(received).toEqual(['m1', 'm2', 'm3']);
    expect(total).toBe(3);
  });

  it('asks once when nothing was missed', async () => {
    const fetchPage = jest.fn(async () => []);
    const onPage = jest.fn();
    expect(await pageAfter('m9', fetchPage, onPage)).toBe(0);
    expect(fetchPage).toHaveBeenCalledTimes(1);
    expect(onPage).not.toHaveBeenCalled();
  });

  it('stops with the error when a page fails', async () => {
    const fetchPage = jest.fn().mockResolvedValueOnce(page(['m1'])).mockRejectedValueOnce(new Error('offline'));
    await expect(pageAfter('m0', fetchPage, () => undefined)).rejects.toThrow('offline');
  });
});
