import { ServiceUnavailableException } from '@nestjs/common';
import { type ChildProcess, spawn } from 'node:child_process';

/** What the child is asked: to hash a password, or to verify one against a hash. */
type Ask = { op: 'hash'; password: string; options: object } | { op: 'verify'; hash: string; password: string };
type Request = Ask & { id: number };
type Reply = { id: number; result?: string | boolean; error?: string };

/**
 * The child's whole program: it lowers its own priority first (its libuv threads, created
 * later, inherit it), then hashes what it is sent, and exits with its parent.
 */
function childScript(argon2Path: string, nice: number): string {
  return `
require('node:os').setPriority(0, ${nice});
const argon2 = require(${JSON.stringify(argon2Path)});
process.on('disconnect', () => process.exit(0));
process.on('message', async (request) => {
  try {
    const result = request.op === 'hash' ? await argon2.hash(request.password, request.options) : await argon2.verify(request.hash, request.password);
    process.send({ id: request.id, result });
  } catch (error) {
    process.send({ id: request.id, error: String((error && error.message) || error) });
  }
});`;
}

/**
 * argon2 in a child process at a lower CPU priority (`nice`): when the cores are busy, the
 * kernel runs the event loop and PostgreSQL before password hashes, so a burst of logins
 * slows logins, not messages; when they are idle, hashes run at full speed. Started on first
 * use; if it dies, the hashes in flight fail with 503 and the next one starts it again.
 */
export class HashingProcess {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: string | boolean) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly nice: number,
    private readonly onExit: (detail: string) => void = () => undefined,
  ) {}

  /** The child's process id, once started (for tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async hash(password: string, options: object): Promise<string> {
    return (await this.call({ op: 'hash', password, options })) as string;
  }

  /** False for a wrong password and for a hash argon2 cannot read. */
  async verify(hash: string, password: string): Promise<boolean> {
    return (await this.call({ op: 'verify', hash, password }).catch((error: unknown) => {
      if (error instanceof ServiceUnavailableException) throw error;
      return false;
    })) as boolean;
  }

  stop(): void {
    this.child?.kill();
    this.child = undefined;
  }

  private call(request: Ask): Promise<string | boolean> {
    const child = this.started();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: Request = { ...request, id };
      child.send(message, (error) => {
        if (error && this.pending.delete(id)) reject(unavailable());
      });
    });
  }

  private started(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = spawn(process.execPath, ['-e', childScript(require.resolve('argon2'), this.nice)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Only what the child needs: nothing of the server's secrets.
      env: { PATH: process.env.PATH ?? '' },
    });
    child.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.result as string | boolean);
    });
    child.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.pending.size === 0) return;
      this.onExit(`the password hashing process ended (${signal ?? `code ${code}`}) with ${this.pending.size} hashes in flight`);
      for (const waiting of this.pending.values()) waiting.reject(unavailable());
      this.pending.clear();
    });
    // An idle child keeps nothing alive: the server exits when its own work is done.
    child.unref();
    child.channel?.unref();
    this.child = child;
    return child;
  }
}

function unavailable(): ServiceUnavailableException {
  return new ServiceUnavailableException('Password hashing is unavailable; try again in a moment');
}
