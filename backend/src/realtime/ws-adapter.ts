import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { WsAdapter } from '@nestjs/platform-ws';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { isObservable, type Observable } from 'rxjs';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { browserOriginAllowed } from './browser-origin';
import { parseFrame } from './frames';

type UpgradeTarget = Pick<WebSocketServer, 'path' | 'handleUpgrade' | 'emit'>;

/** What a browser page of an origin that may not connect gets instead of an upgrade. */
const FORBIDDEN_ORIGIN = JSON.stringify({ statusCode: 403, message: 'This origin may not open a WebSocket here', error: 'Forbidden' });

/**
 * Nest's `ws` adapter with four changes: a gateway at `/ws` also serves the paths below
 * it (the seed's `/ws/{conversation_id}/{token}`); an upgrade from a browser page of an
 * origin that is not allowed (browser-origin.ts) is answered `403` before anything else;
 * frames are ChatFlow's `{"type": …}` objects rather than Nest's `{"event", "data"}`; and
 * each socket gets one plain `message` listener instead of the base class's per-socket RxJS
 * pipeline, which cost about 6 KB per idle connection and a few per cent of the CPU of
 * every frame.
 */
export class ChatFlowWsAdapter extends WsAdapter {
  private readonly log = new Logger('ChatFlowWsAdapter');

  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: readonly string[],
  ) {
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
      if (!browserOriginAllowed(request, this.allowedOrigins)) {
        refuseUpgrade(socket, 403, 'Forbidden', FORBIDDEN_ORIGIN);
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

/** Answers an upgrade request with a plain HTTP error (the handshake never starts), then closes. */
function refuseUpgrade(socket: Duplex, status: number, statusText: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
