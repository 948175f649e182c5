import { Readable } from 'node:stream';
import { byteRange, collect, Slice } from './byte-ranges';

describe('byteRange', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=10-', { start: 10, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-1000', { start: 0, end: 99 }],
    ['bytes=50-5000', { start: 50, end: 99 }],
    [' bytes=0-0 ', { start: 0, end: 0 }],
  ])('%j of 100 bytes → %j', (header, range) => {
    expect(byteRange(header, 100)).toEqual(range);
  });

  it.each(['bytes=100-', 'bytes=100-200', 'bytes=-0'])('%j of 100 bytes is unsatisfiable', (header) => {
    expect(byteRange(header, 100)).toBe('unsatisfiable');
  });

  it.each([undefined, '', 'bytes=-', 'bytes=5-1', 'bytes=0-1,5-6', 'items=0-1', 'bytes=a-b', 'bytes=0-99999999999999999'])(
    'ignores %j (the whole file is served)',
    (header) => {
      expect(byteRange(header, 100)).toBeUndefined();
    },
  );

  it('finds nothing to serve in an empty file', () => {
    expect(byteRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(byteRange('bytes=-5', 0)).toBe('unsatisfiable');
  });
});

describe('Slice', () => {
  it('skips and keeps across chunk boundaries', async () => {
    const source = Readable.from([Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ijk')]);
    expect((await collect(source.pipe(new Slice(2, 6)))).toString()).toBe('cdefgh');
  });
});
