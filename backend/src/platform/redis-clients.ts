import Redis, { RedisOptions } from 'ioredis';

/** The three connections Redis scale-out needs: commands, publishing, and a subscriber. */
export type RedisClients = {
  commands: Redis;
  publisher: Redis;
  subscriber: Redis;
};

export const REDIS_CLIENTS = Symbol('REDIS_CLIENTS');

export function createRedisClients(url: string): RedisClients {
  // Fail fast while Redis is away instead of queueing without bound; reconnect forever.
  const failFast: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  const clients: RedisClients = {
    commands: new Redis(url, { ...failFast, connectionName: 'chatflow-commands' }),
    publisher: new Redis(url, { ...failFast, connectionName: 'chatflow-publisher' }),
    subscriber: new Redis(url, { retryStrategy: failFast.retryStrategy, connectionName: 'chatflow-subscriber' }),
  };
  // Errors surface through health and the callers; without a listener ioredis would print each one.
  for (const client of Object.values(clients)) client.on('error', () => undefined);
  return clients;
}
