import { Injectable, OnModuleDestroy } from '@nestjs/common';

/**
 * Whether this instance is draining: shutting down, answering new HTTP requests 503 (with
 * `Connection: close`, so a balancer moves the client elsewhere), `/health/ready` included,
 * and opening no new socket. main.ts starts it on SIGTERM before closing the app; closing the
 * app starts it too (onModuleDestroy is the first shutdown hook).
 */
@Injectable()
export class Lifecycle implements OnModuleDestroy {
  private drainingSince: number | undefined;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  drain(): void {
    this.drainingSince ??= Date.now();
  }

  onModuleDestroy(): void {
    this.drain();
  }
}
