import type { Participant, Role } from '../api/client';
import { displayName } from './names';

/** What one member of a group may do to another, as the server decides it (API.md, "Groups that change"). */
export interface MemberActions {
  /** Admins remove members; only the owner removes admins; nobody removes the owner. */
  remove: boolean;
  /** The owner makes a member an admin… */
  makeAdmin: boolean;
  /** …or an admin a member again. */
  dismissAdmin: boolean;
}

/** What `myRole` may do to `member` (nothing to themselves: they leave instead). */
export function memberActions(myRole: Role | undefined, member: Participant, meId: string): MemberActions {
  const other = member.id !== meId;
  return {
    remove: other && (myRole === 'owner' ? member.role !== 'owner' : myRole === 'admin' && member.role === 'member'),
    makeAdmin: other && myRole === 'owner' && member.role === 'member',
    dismissAdmin: other && myRole === 'owner' && member.role === 'admin',
  };
}

/** Whether anything in `actions` is allowed. */
export function anyAction(actions: MemberActions): boolean {
  return actions.remove || actions.makeAdmin || actions.dismissAdmin;
}

/** The owner and the admins rename a group and add people to it. */
export function managesGroup(role: Role | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/** How the member list labels a role (members carry no label, as in WhatsApp). */
export const ROLE_LABELS: Record<Role, string | null> = { owner: 'Owner', admin: 'Group admin', member: null };

const RANK: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

/** The order of the member list: the reader first, then the owner, the admins and the members, each by name. */
export function membersInOrder(participants: Participant[], meId: string): Participant[] {
  return [...participants].sort(
    (a, b) =>
      Number(b.id === meId) - Number(a.id === meId) || RANK[a.role] - RANK[b.role] || displayName(a).localeCompare(displayName(b)),
  );
}
