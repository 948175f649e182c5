import type { ProfileUpdate } from '@chatflow/protocol';

/** A user changed their name or picture: everyone who shares a conversation with them, and their own devices, hear of it. */
export class ProfileChanged {
  static readonly topic = 'user.profile-changed';

  constructor(
    readonly profile: ProfileUpdate,
    /** Everyone who shares a conversation with the user (the user not included). */
    readonly sharerIds: string[],
  ) {}
}
