import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export const BACKEND_MAIN = join(__dirname, '..', '..', 'backend', 'dist', 'main.js');

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  /** Sends a signal and resolves with the exit code once the process has exited. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Runs the built backend (`npm start`'s server) as its own process, with exactly the
 * given environment on top of PATH and HOME.
 */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [BACKEND_MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Resolves when the server prints `text`; rejects if it exits first. */
export function waitForOutput(server: ServerProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (server.output().includes(text)) return resolve();
    const onData = () => {
      if (server.output().includes(text)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`server exited (${code}) before printing "${text}":\n${server.output()}`));
    };
    const cleanup = () => {
      server.child.stdout!.off('data', onData);
      server.child.stderr!.off('data', onData);
      server.child.off('exit', onExit);
    };
    server.child.stdout!.on('data', onData);
    server.child.stderr!.on('data', onData);
    server.child.on('exit', onExit);
  });
}

/** Resolves with the exit code. */
export async function exitCode(server: ServerProcess): Promise<number | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.child.exitCode;
  const [code] = (await once(server.child, 'exit')) as [number | null];
  return code;
}
