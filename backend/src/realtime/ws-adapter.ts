import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { parseFrame } from './frames';

type UpgradeTarget = { path: string; handleUpgrade: Function; emit: Function };

/**
 * Nest's `ws` adapter with two changes: a gateway at `/ws` also serves the paths below
 * it (the seed's `/ws/{conversation_id}/{token}`), and frames are ChatFlow's
 * `{"type": …}` objects rather than Nest's `{"event", "data"}`.
 */
export class ChatFlowWsAdapter extends WsAdapter {
  constructor(app: INestApplicationContext) {
    super(app, { messageParser: (data) => parseFrame(data) });
  }

  protected override ensureHttpServerExists(port: number, httpServer = http.createServer()) {
    if (this.httpServersRegistry.has(port)) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    const listener = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = new URL(request.url ?? '/', 'ws://localhost').pathname;
      const servers = (this.wsServersRegistry.get(port) ?? []) as UpgradeTarget[];
      const target = servers.find((s) => pathname === s.path || pathname.startsWith(`${s.path}/`));
      if (!target) {
        socket.destroy();
        return;
      }
      target.handleUpgrade(request, socket, head, (ws: unknown) => target.emit('connection', ws, request));
    };
    httpServer.on('upgrade', listener);
    // The base class takes its listener off the server on dispose.
    (this as unknown as { upgradeListenersRegistry: Map<number, unknown> }).upgradeListenersRegistry.set(port, listener);
    return httpServer;
  }
}
