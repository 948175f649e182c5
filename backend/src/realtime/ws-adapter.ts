import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { WsAdapter } from '@nestjs/platform-ws';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { isObservable, type Observable } from 'rxjs';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { parseFrame } from './frames';

type UpgradeTarget = Pick<WebSocketServer, 'path' | 'handleUpgrade' | 'emit'>;

/**
 * Nest's `ws` adapter with three changes: a gateway at `/ws` also serves the paths below
 * it (the seed's `/ws/{conversation_id}/{token}`); frames are ChatFlow's `{"type": …}`
 * objects rather than Nest's `{"event", "data"}`; and each socket gets one plain
 * `message` listener instead of the base class's per-socket RxJS pipeline, which cost
 * about 6 KB per idle connection and a few per cent of the CPU of every frame.
 */
export class ChatFlowWsAdapter extends WsAdapter {
  private readonly log = new Logger('ChatFlowWsAdapter');

  constructor(app: INestApplicationContext) {
    super(app, { messageParser: (data) => parseFrame(data) });
  }

  override bindMessageHandlers(
    client: WebSocket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    const byEvent = new Map(handlers.map((handler) => [handler.message as string, handler]));
    const reply = (response: unknown) => {
      if (response !== undefined && response !== null && client.readyState === client.OPEN) client.send(JSON.stringify(response));
    };
    const fail = (error: unknown) => this.log.error(error);
    client.on('message', (data: RawData) => {
      // parseFrame never throws: anything it cannot accept becomes the 'invalid' event.
      const { event, data: frame } = parseFrame(data);
      const handler = byEvent.get(event);
      if (!handler) return;
      let result: unknown;
      try {
        result = handler.callback(frame, event);
      } catch (error) {
        return fail(error);
      }
      if (isObservable(result)) transform(result).subscribe({ next: reply, error: fail });
      else if (result instanceof Promise) result.then(reply, fail);
      else reply(result);
    });
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
