import { isSingleEmoji } from '@chatflow/protocol';
import { PICKER_EMOJI, QUICK_REACTIONS } from './emoji';

describe('emoji', () => {
  it('offers only what the server takes as a reaction: one emoji each, none twice', () => {
    const all = [...QUICK_REACTIONS, ...PICKER_EMOJI];
    expect(all.filter((emoji) => !isSingleEmoji(emoji))).toEqual([]);
    expect(new Set(PICKER_EMOJI).size).toBe(PICKER_EMOJI.length);
  });
});
