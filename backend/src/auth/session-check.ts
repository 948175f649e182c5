import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EventBus } from '../platform/bus/event-bus';
import { isDatabaseUnavailable } from '../platform/database/unavailable';
import { databaseOutage } from '../platform/logging/outage-log';
import { SessionsRepository } from './sessions.repository';

interface Known {
  userId: string;
  live: boolean;
  expiresAt: number;
  checkedAt: number;
}

/** Sessions remembered at most (the oldest forgotten first). */
const MAX_KNOWN = 100_000;

/**
 * Whether a session can be used: it exists, belongs to the token's user, is neither revoked
 * nor expired. The answer is remembered for a minute — a revocation reaches every instance
 * through the event bus and is forgotten there at once (see `forget`) — but only for a few
 * seconds while the bus is down, when another instance's revocation could not arrive.
 * A database that cannot answer is a 503 (try again), never "logged out".
 */
@Injectable()
export class SessionCheck {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly bus: EventBus,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'sessions'>,
  ) {}

  async isLive(sessionId: string, userId: string): Promise<boolean> {
    const now = Date.now();
    const known = this.known.get(sessionId);
    const maxAge = this.bus.health().connected ? this.config.sessions.cacheSeconds * 1000 : this.config.sessions.cacheSecondsWithoutBus * 1000;
    if (known && now - known.checkedAt < maxAge) return known.live && known.userId === userId && known.expiresAt > now;
    let row;
    try {
      row = await this.sessions.find(sessionId);
    } catch (error) {
      // Anything else is a bug: a 500, still not "logged out".
      if (!isDatabaseUnavailable(error)) throw error;
      databaseOutage.failed(error);
      throw new ServiceUnavailableException('Sessions cannot be checked right now; try again in a moment');
    }
    const live = Boolean(row && !row.revoked_at && row.expires_at.getTime() > now);
    if (row) this.remember(sessionId, { userId: row.user_id, live, expiresAt: row.expires_at.getTime(), checkedAt: now });
    if (live) void this.sessions.touch(sessionId).catch(() => undefined);
    return live && row?.user_id === userId;
  }

  /**
   * Those of `sessionIds` that were revoked or expired, from PostgreSQL (after the bus was
   * away, when revocations may not have arrived); forgotten here, so the next check of
   * their tokens asks again.
   */
  async deadAmong(sessionIds: string[]): Promise<string[]> {
    const live = await this.sessions.liveAmong(sessionIds);
    const dead = sessionIds.filter((id) => !live.has(id));
    this.forget(dead);
    return dead;
  }

  /** Sessions revoked (here or on another instance): the next check asks the database. */
  forget(sessionIds: string[]): void {
    for (const id of sessionIds) this.known.delete(id);
  }

  private remember(sessionId: string, entry: Known): void {
    if (this.known.size >= MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
    this.known.delete(sessionId);
    this.known.set(sessionId, entry);
  }
}
