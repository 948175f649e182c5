import { MAX_INPUT_DEPTH, nestedDeeperThan } from './nesting';

const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;

describe('nestedDeeperThan', () => {
  it('counts the value itself as the first level, objects and arrays alike', () => {
    expect(nestedDeeperThan({ a: { b: [1] } }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: { b: [[1]] } }, 3)).toBe(true);
    expect(nestedDeeperThan('text', 0)).toBe(false);
  });

  it(`allows ${MAX_INPUT_DEPTH} levels by default and refuses one more`, () => {
    expect(nestedDeeperThan(nested(MAX_INPUT_DEPTH))).toBe(false);
    expect(nestedDeeperThan(nested(MAX_INPUT_DEPTH + 1))).toBe(true);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(nestedDeeperThan(nested(100_000))).toBe(true);
  });
});
