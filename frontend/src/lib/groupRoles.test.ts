import { makePublicUser } from '../test-utils/fixtures';
import { anyAction, managesGroup, memberActions, membersInOrder } from './groupRoles';

const owner = makePublicUser({ full_name: 'Olga', role: 'owner' });
const admin = makePublicUser({ full_name: 'Adam', role: 'admin' });
const member = makePublicUser({ full_name: 'Mia', role: 'member' });
const other = makePublicUser({ full_name: 'Bea', role: 'member' });

describe('memberActions', () => {
  it('lets the owner remove, promote and dismiss anyone but themselves', () => {
    expect(memberActions('owner', admin, owner.id)).toEqual({ remove: true, makeAdmin: false, dismissAdmin: true });
    expect(memberActions('owner', member, owner.id)).toEqual({ remove: true, makeAdmin: true, dismissAdmin: false });
    expect(anyAction(memberActions('owner', owner, owner.id))).toBe(false);
  });

  it('lets an admin remove members only: not other admins, not the owner, and change no role', () => {
    expect(memberActions('admin', member, admin.id)).toEqual({ remove: true, makeAdmin: false, dismissAdmin: false });
    expect(anyAction(memberActions('admin', makePublicUser({ role: 'admin' }), admin.id))).toBe(false);
    expect(anyAction(memberActions('admin', owner, admin.id))).toBe(false);
  });

  it('lets a member, or someone no longer in the group, do nothing to anyone', () => {
    for (const target of [owner, admin, other]) {
      expect(anyAction(memberActions('member', target, member.id))).toBe(false);
      expect(anyAction(memberActions(undefined, target, member.id))).toBe(false);
    }
  });
});

describe('managesGroup', () => {
  it('is the owner and the admins', () => {
    expect([managesGroup('owner'), managesGroup('admin'), managesGroup('member'), managesGroup(undefined)]).toEqual([true, true, false, false]);
  });
});

describe('membersInOrder', () => {
  it('lists the reader first, then the owner, the admins and the members by name', () => {
    expect(membersInOrder([member, other, admin, owner], member.id).map((p) => p.full_name)).toEqual(['Mia', 'Olga', 'Adam', 'Bea']);
  });
});
