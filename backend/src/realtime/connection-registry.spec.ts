import { fakeSocket } from '../testing/fake-socket';
import { ConnectionRegistry } from './connection-registry';

const limits = { maxBufferedBytes: 1000, framesPerSecond: 10, frameBurst: 10 };

describe('ConnectionRegistry', () => {
  it("finds a user's connections once their handshake is done, and forgets them when they close", () => {
    const registry = new ConnectionRegistry();
    const socket = fakeSocket().socket;
    const connection = registry.open(socket, limits);
    connection.userId = 'alice';
    expect(registry.of(socket)).toBe(connection);
    expect([...registry.ofUser('alice')]).toEqual([]);
    registry.add(connection);
    expect([...registry.ofUser('alice')]).toEqual([connection]);
    expect(registry.all()).toEqual([connection]);
    registry.remove(connection);
    expect([...registry.ofUser('alice')]).toEqual([]);
    expect(registry.all()).toEqual([]);
  });

  it("lists users' /ws streams without their per-conversation sockets", () => {
    const registry = new ConnectionRegistry();
    const stream = registry.open(fakeSocket().socket, limits);
    const conversationSocket = registry.open(fakeSocket().socket, limits);
    const other = registry.open(fakeSocket().socket, limits);
    stream.userId = conversationSocket.userId = 'alice';
    conversationSocket.conversationId = 'c1';
    other.userId = 'bob';
    for (const c of [stream, conversationSocket, other]) registry.add(c);
    expect([...registry.streamsOf(['alice'])]).toEqual([stream]);
    expect([...registry.streamsOf(['alice', 'bob'])]).toEqual([stream, other]);
  });
});
