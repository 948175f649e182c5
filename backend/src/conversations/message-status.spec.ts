import { statusResolver } from './message-status';

const alice = 'alice';
const bob = 'bob';
const carol = 'carol';

describe('statusResolver', () => {
  it('is sent until the other participant has received the message', () => {
    const status = statusResolver([
      { userId: alice, readSeq: 0, deliveredSeq: 0 },
      { userId: bob, readSeq: 0, deliveredSeq: 4 },
    ]);
    expect(status(alice, 5)).toBe('sent');
    expect(status(alice, 4)).toBe('delivered');
  });

  it('is read once every other participant has read up to it, and only then', () => {
    const status = statusResolver([
      { userId: alice, readSeq: 0, deliveredSeq: 0 },
      { userId: bob, readSeq: 7, deliveredSeq: 7 },
      { userId: carol, readSeq: 5, deliveredSeq: 9 },
    ]);
    expect(status(alice, 5)).toBe('read');
    expect(status(alice, 6)).toBe('delivered');
    expect(status(alice, 10)).toBe('sent');
  });

  it('ignores the sender’s own watermarks', () => {
    const status = statusResolver([
      { userId: alice, readSeq: 0, deliveredSeq: 0 },
      { userId: bob, readSeq: 3, deliveredSeq: 3 },
    ]);
    expect(status(bob, 2)).toBe('sent');
    expect(status(alice, 2)).toBe('read');
  });

  it('treats reading as receiving, so the status never steps back', () => {
    const status = statusResolver([
      { userId: alice, readSeq: 0, deliveredSeq: 0 },
      { userId: bob, readSeq: 8, deliveredSeq: 2 },
    ]);
    expect(status(alice, 8)).toBe('read');
  });
});
