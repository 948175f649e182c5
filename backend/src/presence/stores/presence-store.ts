/**
 * Which users have a live connection anywhere. Methods report transitions so that exactly
 * one instance announces a user going online or offline.
 */
export abstract class PresenceStore {
  /** Whether other instances share it: a user may reconnect to one of them and stay online. */
  abstract readonly shared: boolean;

  /** Called with users whose every connection was on an instance that died. */
  protected onLost: (userIds: string[]) => void = () => undefined;

  onUsersLost(handler: (userIds: string[]) => void): void {
    this.onLost = handler;
  }

  /** This instance now has a connection of the user; true when the user was offline everywhere. */
  abstract add(userId: string): Promise<boolean>;

  /** This instance has no connection of the user any more; true when the user is now offline everywhere. */
  abstract remove(userId: string): Promise<boolean>;

  abstract onlineAmong(userIds: string[]): Promise<Set<string>>;

  /** Counts a socket of the user opened (+1) or closed (-1) here; how many they have open everywhere now. */
  abstract countSocket(userId: string, delta: 1 | -1): Promise<number>;
}

/** Sockets per user on this instance. */
export class LocalSocketCounts {
  private readonly counts = new Map<string, number>();

  add(userId: string, delta: 1 | -1): number {
    const count = Math.max(0, (this.counts.get(userId) ?? 0) + delta);
    if (count) this.counts.set(userId, count);
    else this.counts.delete(userId);
    return count;
  }

  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }
}

/** One instance: its own connections are all there is. */
export class InMemoryPresenceStore extends PresenceStore {
  readonly shared = false;
  private readonly online = new Set<string>();
  private readonly sockets = new LocalSocketCounts();

  async countSocket(userId: string, delta: 1 | -1): Promise<number> {
    return this.sockets.add(userId, delta);
  }

  async add(userId: string): Promise<boolean> {
    if (this.online.has(userId)) return false;
    this.online.add(userId);
    return true;
  }

  async remove(userId: string): Promise<boolean> {
    return this.online.delete(userId);
  }

  async onlineAmong(userIds: string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.online.has(id)));
  }
}
