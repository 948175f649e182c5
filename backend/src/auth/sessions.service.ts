import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainEvents } from '../platform/domain-events';
import { iso } from '../platform/http/iso';
import type { SessionDto } from './dto/session.dto';
import { SessionCheck } from './session-check';
import { SessionsRevoked } from './session-events';
import { SessionsRepository } from './sessions.repository';

/** Longest User-Agent kept (the column's size). */
const MAX_USER_AGENT = 512;

/**
 * Logins ("sessions"): each access token belongs to one. Revoking is committed first, then
 * announced: this instance forgets the session at once, the others as the announcement
 * arrives, and every socket of it is told `session_revoked` and closed with 4401.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly check: SessionCheck,
    private readonly events: DomainEvents,
  ) {}

  /** A new session for a login, lasting as long as its token. */
  async start(userId: string, ttlSeconds: number, userAgent: string | undefined): Promise<string> {
    const id = randomUUID();
    const agent = userAgent?.trim().slice(0, MAX_USER_AGENT) || null;
    await this.sessions.create({ id, userId, expiresAt: new Date(Date.now() + ttlSeconds * 1000), userAgent: agent });
    return id;
  }

  async list(userId: string, currentSessionId: string): Promise<SessionDto[]> {
    const rows = await this.sessions.live(userId);
    return rows.map((row) => ({
      id: row.id,
      created_at: iso(row.created_at)!,
      last_used_at: iso(row.last_used_at)!,
      user_agent: row.user_agent,
      current: row.id === currentSessionId,
    }));
  }

  /** Revokes one of the user's sessions; 404 when it is not theirs (or no longer live). */
  async revoke(userId: string, sessionId: string): Promise<void> {
    const revoked = await this.sessions.revoke(userId, { ids: [sessionId] });
    if (!revoked.length) throw new NotFoundException('No such session');
    this.announce(userId, revoked);
  }

  /** Logout: the caller's own session ends (repeating it is harmless). */
  async end(userId: string, sessionId: string): Promise<void> {
    this.announce(userId, await this.sessions.revoke(userId, { ids: [sessionId] }));
  }

  /** Revokes every live session of the user but `except` (a password change keeps the caller's). */
  async revokeAll(userId: string, except?: string): Promise<void> {
    this.announce(userId, await this.sessions.revoke(userId, { except }));
  }

  private announce(userId: string, sessionIds: string[]): void {
    if (!sessionIds.length) return;
    this.check.forget(sessionIds);
    this.events.publish(new SessionsRevoked(userId, sessionIds));
  }
}
