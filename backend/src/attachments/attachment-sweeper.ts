import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AttachmentsService } from './attachments.service';

/**
 * Runs the attachment sweep every ATTACHMENT_SWEEP_INTERVAL_SECONDS: uploads no message took
 * within a day, and blobs whose removal a crash interrupted. Every instance may run it: rows
 * are taken with SKIP LOCKED and removing a blob twice is harmless.
 */
@Injectable()
export class AttachmentSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AttachmentSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly attachments: AttachmentsService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'attachments'>,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.attachments.sweepIntervalMs;
    if (!every) return;
    this.timer = setInterval(() => {
      this.running ??= this.attachments
        .sweep()
        .then((done) => {
          if (done.unattached || done.purged) this.logger.log(done, 'attachment sweep');
        })
        .catch((error: unknown) => this.logger.warn({ err: error }, 'attachment sweep failed; the next one retries'))
        .finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
