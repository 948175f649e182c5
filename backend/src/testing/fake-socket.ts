import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';

/** A stand-in for a `ws` socket that records what the server does with it (unit specs only). */
export interface FakeSocket {
  socket: WebSocket;
  /** Text frames sent, in order. */
  sent: string[];
  /** The frames sent, parsed. */
  events: () => Array<Record<string, unknown>>;
  closes: Array<[number, string]>;
  pings: () => number;
  terminated: () => boolean;
  /** The peer answers a ping. */
  pong: () => void;
}

export function fakeSocket(bufferedAmount = 0): FakeSocket {
  const sent: string[] = [];
  const closes: Array<[number, string]> = [];
  const emitter = new EventEmitter();
  let pings = 0;
  let terminated = false;
  const socket = Object.assign(emitter, {
    OPEN: 1,
    CONNECTING: 0,
    readyState: 1,
    bufferedAmount,
    send: (data: string) => sent.push(data),
    close: (code: number, reason: string) => closes.push([code, reason]),
    ping: () => (pings += 1),
    terminate: () => (terminated = true),
  });
  return {
    socket: socket as unknown as WebSocket,
    sent,
    events: () => sent.map((s) => JSON.parse(s) as Record<string, unknown>),
    closes,
    pings: () => pings,
    terminated: () => terminated,
    pong: () => emitter.emit('pong'),
  };
}
