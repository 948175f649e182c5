import type { AppConfig } from '../config/app-config';
import { fakeSocket } from '../testing/fake-socket';
import { ConnectionRegistry } from './connection-registry';
import { Heartbeat } from './heartbeat';

const limits = { maxBufferedBytes: 1000, framesPerSecond: 10, frameBurst: 10 };

function setup() {
  const registry = new ConnectionRegistry();
  const heartbeat = new Heartbeat(registry, { realtime: { pingIntervalMs: 1000 } } as AppConfig);
  const answering = fakeSocket();
  const silent = fakeSocket();
  for (const fake of [answering, silent]) heartbeat.watch(registry.open(fake.socket, limits));
  heartbeat.start(() => [answering.socket, silent.socket]);
  return { heartbeat, answering, silent };
}

describe('Heartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('pings every socket each interval and drops one that did not answer the previous ping', () => {
    const { heartbeat, answering, silent } = setup();
    jest.advanceTimersByTime(1000);
    expect([answering.pings(), silent.pings()]).toEqual([1, 1]);
    answering.pong();
    jest.advanceTimersByTime(1000);
    expect([answering.pings(), silent.pings()]).toEqual([2, 1]);
    expect([answering.terminated(), silent.terminated()]).toEqual([false, true]);
    heartbeat.stop();
  });

  it('stops pinging once stopped (shutdown)', () => {
    const { heartbeat, answering } = setup();
    heartbeat.stop();
    jest.advanceTimersByTime(5000);
    expect(answering.pings()).toBe(0);
  });

  it('pings a large number of sockets a slice per turn of the event loop', () => {
    const registry = new ConnectionRegistry();
    const heartbeat = new Heartbeat(registry, { realtime: { pingIntervalMs: 1000 } } as AppConfig);
    const sockets = Array.from({ length: 1200 }, () => fakeSocket());
    for (const fake of sockets) heartbeat.watch(registry.open(fake.socket, limits));
    heartbeat.start(() => sockets.map((s) => s.socket));
    jest.advanceTimersByTime(1000);
    const pinged = () => sockets.filter((s) => s.pings() === 1).length;
    expect(pinged()).toBe(500);
    jest.runOnlyPendingTimers();
    jest.runOnlyPendingTimers();
    expect(pinged()).toBe(1200);
    heartbeat.stop();
  });
});
