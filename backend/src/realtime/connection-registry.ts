import { Injectable } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { Connection, type ConnectionLimits } from './connection';

/**
 * This instance's connections: every open socket's Connection, and — once a connection
 * has sent `ready` — the connections of each user, which is how events find them.
 */
@Injectable()
export class ConnectionRegistry {
  private readonly bySocket = new WeakMap<WebSocket, Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();

  /** A socket just opened: its Connection, not yet anyone's. */
  open(socket: WebSocket, limits: ConnectionLimits): Connection {
    const connection = new Connection(socket, limits);
    this.bySocket.set(socket, connection);
    return connection;
  }

  of(socket: WebSocket): Connection | undefined {
    return this.bySocket.get(socket);
  }

  /** The handshake succeeded: events for the connection's user now reach it. */
  add(connection: Connection): void {
    let connections = this.byUser.get(connection.userId);
    if (!connections) this.byUser.set(connection.userId, (connections = new Set()));
    connections.add(connection);
  }

  remove(connection: Connection): void {
    const connections = this.byUser.get(connection.userId);
    connections?.delete(connection);
    if (connections && !connections.size) this.byUser.delete(connection.userId);
  }

  ofUser(userId: string): Iterable<Connection> {
    return this.byUser.get(userId) ?? [];
  }

  /** Every connection of these users. */
  *connectionsOf(userIds: string[]): Iterable<Connection> {
    for (const userId of userIds) yield* this.ofUser(userId);
  }

  /** The users' `/ws` streams (not their per-conversation sockets). */
  *streamsOf(userIds: string[]): Iterable<Connection> {
    for (const userId of userIds) {
      for (const connection of this.ofUser(userId)) if (!connection.conversationId) yield connection;
    }
  }

  /** Every connection past its handshake. */
  all(): Connection[] {
    return [...this.byUser.values()].flatMap((connections) => [...connections]);
  }
}
