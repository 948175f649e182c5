/** A user came online (first connection anywhere) or went offline (after the grace period). */
export class PresenceChanged {
  static readonly topic = 'presence.changed';

  constructor(
    readonly userId: string,
    readonly status: 'online' | 'offline',
    /** When an offline user was last seen; null while online. */
    readonly lastSeenAt: Date | null,
    /** Who is told: everyone who shares a conversation with the user. */
    readonly contactIds: string[],
  ) {}
}
