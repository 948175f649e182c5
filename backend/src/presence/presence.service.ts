import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainEvents } from '../platform/domain-events';
import { PresenceChanged } from './presence-events';
import { PresenceRepository } from './presence.repository';
import { PresenceStore } from './stores/presence-store';

/**
 * Who is online. A user goes online at their first connection anywhere and offline a
 * short grace period after their last one closes (or stops answering pings), so a page
 * reload does not flap. Transitions are published (PresenceChanged) for everyone who
 * shares a conversation with the user; going offline records `last_seen_at`.
 */
@Injectable()
export class PresenceService implements OnApplicationShutdown {
  private readonly logger = new Logger('PresenceService');
  private readonly connections = new Map<string, number>();
  private readonly offlineTimers = new Map<string, NodeJS.Timeout>();
  /** Per-user chain: a user's transitions are decided and announced one at a time, in order. */
  private readonly transitions = new Map<string, Promise<void>>();
  /** Shutting down: connections opening or closing now change nothing (see shutdown). */
  private closing = false;

  constructor(
    private readonly store: PresenceStore,
    private readonly repository: PresenceRepository,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'realtime'>,
  ) {
    store.onUsersLost((users) => users.forEach((u) => void this.announceOffline(u)));
  }

  onlineAmong(userIds: string[]): Promise<Set<string>> {
    return this.store.onlineAmong([...new Set(userIds)]);
  }

  /**
   * A socket of the user opens: counted against `max` (their sockets on every instance);
   * false — and not counted — when they already have that many.
   */
  async admitSocket(userId: string, max: number): Promise<boolean> {
    if ((await this.store.countSocket(userId, 1)) <= max) return true;
    await this.store.countSocket(userId, -1);
    return false;
  }

  /** An admitted socket closed. */
  releaseSocket(userId: string): void {
    void this.store.countSocket(userId, -1).catch(() => undefined);
  }

  async connected(userId: string): Promise<void> {
    if (this.closing) return;
    const count = (this.connections.get(userId) ?? 0) + 1;
    this.connections.set(userId, count);
    const pendingOffline = this.offlineTimers.get(userId);
    if (pendingOffline) {
      // Back within the grace period: nobody saw them leave.
      clearTimeout(pendingOffline);
      this.offlineTimers.delete(userId);
      return;
    }
    if (count !== 1) return;
    await this.inTurn(userId, async () => {
      if (this.connections.has(userId) && (await this.store.add(userId))) await this.announce(userId, 'online', null);
    });
  }

  disconnected(userId: string): void {
    if (this.closing) return;
    const count = (this.connections.get(userId) ?? 1) - 1;
    if (count > 0) {
      this.connections.set(userId, count);
      return;
    }
    this.connections.delete(userId);
    const timer = setTimeout(() => {
      this.offlineTimers.delete(userId);
      void this.inTurn(userId, async () => {
        // Back in the meantime: stay online.
        if (this.connections.has(userId)) return;
        if (await this.store.remove(userId)) await this.announceOffline(userId);
      });
    }, this.config.realtime.presenceGraceMs);
    timer.unref();
    this.offlineTimers.set(userId, timer);
  }

  /**
   * The user blocked `viewerId`: to them the user now shows offline, never seen. Only someone
   * who shares a conversation with the user saw their presence; anyone else hears nothing
   * (an event about a stranger would tell them they were blocked).
   */
  async hideFrom(userId: string, viewerId: string): Promise<void> {
    if (!(await this.repository.lastSeenFor(userId, viewerId))) return;
    this.events.publish(new PresenceChanged(userId, 'offline', null, [viewerId]));
  }

  /** The user unblocked `viewerId`: they see the user's presence again, if they share a conversation. */
  async showTo(userId: string, viewerId: string): Promise<void> {
    const seen = await this.repository.lastSeenFor(userId, viewerId);
    if (!seen) return;
    const online = (await this.store.onlineAmong([userId])).has(userId);
    this.events.publish(new PresenceChanged(userId, online ? 'online' : 'offline', online ? null : seen.lastSeenAt, [viewerId]));
  }

  /**
   * Graceful shutdown, once this instance's sockets are closed: its users go offline as if
   * their connections had dropped. With presence shared between instances that takes the
   * grace period, during which this instance still holds them: a user whose client reconnects
   * to another instance meanwhile is announced neither online there nor offline here (a
   * SIGTERM must not flap everyone's presence). Alone, there is nowhere to reconnect to: they
   * go offline at once.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    const users = new Set([...this.offlineTimers.keys(), ...this.connections.keys()]);
    for (const timer of this.offlineTimers.values()) clearTimeout(timer);
    this.offlineTimers.clear();
    this.connections.clear();
    if (this.store.shared && users.size) await new Promise((resolve) => setTimeout(resolve, this.config.realtime.presenceGraceMs));
    await Promise.all(
      [...users].map((userId) =>
        this.inTurn(userId, async () => {
          if (await this.store.remove(userId)) await this.announceOffline(userId);
        }),
      ),
    );
  }

  private inTurn(userId: string, step: () => Promise<void>): Promise<void> {
    const next = (this.transitions.get(userId) ?? Promise.resolve()).then(step).catch((error: unknown) => {
      this.logger.warn(`presence of ${userId} could not be updated: ${(error as Error).message}`);
    });
    this.transitions.set(userId, next);
    void next.then(() => {
      if (this.transitions.get(userId) === next) this.transitions.delete(userId);
    });
    return next;
  }

  onApplicationShutdown(): void {
    for (const timer of this.offlineTimers.values()) clearTimeout(timer);
  }

  private async announceOffline(userId: string): Promise<void> {
    try {
      await this.announce(userId, 'offline', await this.repository.recordLastSeen(userId));
    } catch (error) {
      this.logger.warn(`could not record ${userId} going offline: ${(error as Error).message}`);
    }
  }

  private async announce(userId: string, status: 'online' | 'offline', lastSeenAt: Date | null): Promise<void> {
    const contacts = await this.repository.contactsOf(userId);
    if (contacts.length) this.events.publish(new PresenceChanged(userId, status, lastSeenAt, contacts));
  }
}
