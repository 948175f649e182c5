import type { SystemNotice } from '@chatflow/protocol';
import { systemNoticeText } from './systemNotice';

const names: Record<string, string> = { a: 'Alice', b: 'Bob', c: 'Carol', me: 'You' };
const text = (notice: Partial<SystemNotice> & Pick<SystemNotice, 'action'>) =>
  systemNoticeText({ actor_id: 'a', user_ids: [], name: null, role: null, ...notice }, (id) => names[id] ?? 'Someone', 'me');

describe('systemNoticeText', () => {
  it('says who added or removed whom', () => {
    expect(text({ action: 'member_added', user_ids: ['b'] })).toBe('Alice added Bob');
    expect(text({ action: 'member_added', user_ids: ['b', 'c', 'me'] })).toBe('Alice added Bob, Carol and you');
    expect(text({ action: 'member_removed', actor_id: 'me', user_ids: ['c'] })).toBe('You removed Carol');
  });

  it('says who left, renamed the group, or changed a role', () => {
    expect(text({ action: 'member_left', actor_id: 'b', user_ids: ['b'] })).toBe('Bob left');
    expect(text({ action: 'renamed', name: 'Trip to Rome' })).toBe('Alice renamed the group to “Trip to Rome”');
    expect(text({ action: 'role_changed', user_ids: ['b'] })).toBe('Alice changed the role of Bob');
    expect(text({ action: 'role_changed', user_ids: ['b'], role: 'admin' })).toBe('Alice made Bob an admin');
    expect(text({ action: 'role_changed', actor_id: 'me', user_ids: ['c'], role: 'member' })).toBe('You made Carol a member');
  });

  it('reads from the reader’s side: "you" where they are acted on, "You" where they act', () => {
    expect(text({ action: 'member_removed', user_ids: ['me'] })).toBe('Alice removed you');
    expect(text({ action: 'member_added', user_ids: ['me'] })).toBe('Alice added you');
    expect(text({ action: 'member_left', actor_id: 'me', user_ids: ['me'] })).toBe('You left');
    expect(text({ action: 'role_changed', user_ids: ['me'], role: 'admin' })).toBe('Alice made you an admin');
    expect(text({ action: 'renamed', actor_id: 'me', name: 'Rome' })).toBe('You renamed the group to “Rome”');
  });
});
