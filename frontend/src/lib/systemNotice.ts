import type { SystemNotice } from '@chatflow/protocol';

/** "Alice and Bob", "Alice, Bob and Carol". */
function list(names: string[]): string {
  if (names.length <= 1) return names[0] ?? 'someone';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * What a system message says, from its fields and from the reader's side: "Alice added Bob",
 * "Alice removed you", "You left". `nameOf` names a user as the reader knows them ("You" for
 * the reader, `meId`), who is "you" where they are acted on.
 */
export function systemNoticeText(notice: SystemNotice, nameOf: (userId: string) => string, meId: string): string {
  const actor = nameOf(notice.actor_id);
  const users = list(notice.user_ids.map((id) => (id === meId ? 'you' : nameOf(id))));
  switch (notice.action) {
    case 'member_added':
      return `${actor} added ${users}`;
    case 'member_removed':
      return `${actor} removed ${users}`;
    case 'member_left':
      return `${actor} left`;
    case 'renamed':
      return notice.name ? `${actor} renamed the group to “${notice.name}”` : `${actor} renamed the group`;
    case 'role_changed':
      if (notice.role === 'admin') return `${actor} made ${users} an admin`;
      if (notice.role === 'member') return `${actor} made ${users} a member`;
      return `${actor} changed the role of ${users}`;
  }
}
