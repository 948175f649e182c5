import { Logger } from '@nestjs/common';

/** Message ids remembered at most (the oldest forgotten first, then logged again if read again). */
const MAX_REMEMBERED = 10_000;

/**
 * Logs each message whose content cannot be decrypted once, however often it is read: a
 * damaged row or a retired key is worth one error to look into, not one per page load of
 * every participant.
 */
export class UnreadableContentLog {
  private readonly logged = new Set<string>();

  constructor(
    private readonly logger: Pick<Logger, 'error'> = new Logger('ContentCipher'),
    private readonly max = MAX_REMEMBERED,
  ) {}

  report(messageId: string, keyId: string, error: Error): void {
    if (this.logged.has(messageId)) return;
    if (this.logged.size >= this.max) this.logged.delete(this.logged.values().next().value!);
    this.logged.add(messageId);
    this.logger.error(`message ${messageId} cannot be decrypted (key id ${keyId}): ${error.message}; it is served as unavailable`);
  }
}
