import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { LocalSocketCounts, PresenceStore } from './presence-store';

const INSTANCES = 'chatflow:instances';
const userKey = (userId: string) => `chatflow:presence:${userId}`;
const instanceUsersKey = (instanceId: string) => `chatflow:instance-users:${instanceId}`;
/** A user's open sockets: a hash of instance → count. */
const socketsKey = (userId: string) => `chatflow:sockets:${userId}`;

/**
 * Presence shared through Redis. Each user has the set of instances holding one of their
 * connections; each instance keeps a heartbeat in a sorted set (score = expiry). An
 * instance that stops beating (crashed, partitioned) is swept by whichever live instance
 * claims it first, and its users go offline unless another instance holds them.
 * While Redis is unreachable, this instance answers from its own connections.
 */
export class RedisPresenceStore extends PresenceStore implements OnApplicationShutdown {
  readonly shared = true;
  private readonly logger = new Logger('RedisPresenceStore');
  private readonly local = new Set<string>();
  private readonly sockets = new LocalSocketCounts();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly instanceId: string,
    private readonly redis: Redis,
    private readonly heartbeatMs: number,
  ) {
    super();
    this.timer = setInterval(() => void this.beat(), heartbeatMs);
    this.timer.unref();
    // On connecting, and after an outage (during which this instance's users may have been
    // swept): beat, and register them again.
    redis.on('ready', () => {
      void this.beat();
      void this.reassert();
    });
  }

  async add(userId: string): Promise<boolean> {
    this.local.add(userId);
    try {
      const result = await this.redis
        .multi()
        .sadd(userKey(userId), this.instanceId)
        .scard(userKey(userId))
        .sadd(instanceUsersKey(this.instanceId), userId)
        .exec();
      return result?.[1]?.[1] === 1;
    } catch (error) {
      this.warn(error);
      return true;
    }
  }

  async remove(userId: string): Promise<boolean> {
    this.local.delete(userId);
    try {
      const result = await this.redis
        .multi()
        .srem(userKey(userId), this.instanceId)
        .scard(userKey(userId))
        .srem(instanceUsersKey(this.instanceId), userId)
        .exec();
      return result?.[1]?.[1] === 0;
    } catch (error) {
      this.warn(error);
      return true;
    }
  }

  /** Counted in a hash per user (instance → count); a dead instance's counts go with its sweep. */
  async countSocket(userId: string, delta: 1 | -1): Promise<number> {
    const here = this.sockets.add(userId, delta);
    try {
      const key = socketsKey(userId);
      const multi = this.redis.multi();
      if (here) multi.hset(key, this.instanceId, here);
      else multi.hdel(key, this.instanceId);
      const result = await multi.hvals(key).exec();
      const counts = (result?.[1]?.[1] as string[] | undefined) ?? [];
      return counts.reduce((sum, n) => sum + Number(n), 0);
    } catch (error) {
      this.warn(error);
      return here;
    }
  }

  async onlineAmong(userIds: string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    try {
      const pipeline = this.redis.pipeline();
      for (const id of userIds) pipeline.scard(userKey(id));
      const counts = (await pipeline.exec()) ?? [];
      return new Set(userIds.filter((id, i) => this.local.has(id) || Number(counts[i]?.[1] ?? 0) > 0));
    } catch (error) {
      this.warn(error);
      return new Set(userIds.filter((id) => this.local.has(id)));
    }
  }

  /** After the presence grace of a graceful shutdown: beating until then, so a kill meanwhile leaves the instance to be swept. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // Leaving on purpose: nothing to sweep later.
    await this.redis.zrem(INSTANCES, this.instanceId).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      const now = Date.now();
      await this.redis.zadd(INSTANCES, now + this.heartbeatMs * 3, this.instanceId);
      const dead = await this.redis.zrangebyscore(INSTANCES, '-inf', now);
      for (const instance of dead) {
        // ZREM returns 1 to exactly one sweeper.
        if ((await this.redis.zrem(INSTANCES, instance)) !== 1) continue;
        const users = await this.redis.smembers(instanceUsersKey(instance));
        const offline = await this.removeInstanceUsers(instance, users);
        if (offline.length) this.onLost(offline);
      }
    } catch (error) {
      this.warn(error);
    }
  }

  private async removeInstanceUsers(instance: string, users: string[]): Promise<string[]> {
    const offline: string[] = [];
    for (const userId of users) {
      const result = await this.redis.multi().srem(userKey(userId), instance).scard(userKey(userId)).hdel(socketsKey(userId), instance).exec();
      if (result?.[1]?.[1] === 0) offline.push(userId);
    }
    await this.redis.del(instanceUsersKey(instance));
    return offline;
  }

  private async reassert(): Promise<void> {
    try {
      const multi = this.redis.multi();
      for (const userId of this.local) multi.sadd(userKey(userId), this.instanceId).sadd(instanceUsersKey(this.instanceId), userId);
      for (const [userId, count] of this.sockets.entries()) multi.hset(socketsKey(userId), this.instanceId, count);
      await multi.exec();
    } catch (error) {
      this.warn(error);
    }
  }

  private lastWarning = 0;
  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(`Redis unavailable, presence answers from this instance only: ${(error as Error).message}`);
  }
}
