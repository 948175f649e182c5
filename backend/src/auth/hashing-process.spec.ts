import { ServiceUnavailableException } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { HashingProcess } from './hashing-process';
import { ARGON2_OPTIONS } from './password-hasher';

/** The nice value of each thread of a process (Linux: field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNiceness(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('HashingProcess', () => {
  const hashing = new HashingProcess(10);
  afterAll(() => hashing.stop());

  it('hashes and verifies in a child process whose hashing threads run at the lower priority', async () => {
    const hash = await hashing.hash('correct horse', ARGON2_OPTIONS);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    await expect(hashing.verify(hash, 'correct horse')).resolves.toBe(true);
    await expect(hashing.verify(hash, 'wrong horse')).resolves.toBe(false);
    await expect(hashing.verify('not a hash', 'correct horse')).resolves.toBe(false);

    const pid = hashing.pid!;
    expect(pid).not.toBe(process.pid);
    // The main thread and libuv's pool (where argon2 runs, started after the child lowered itself).
    const niceness = threadNiceness(pid);
    expect(niceness[0]).toBe(10);
    expect(niceness.filter((nice) => nice === 10).length).toBeGreaterThanOrEqual(5);
  });

  it('fails the hashes in flight with 503 when the child dies, and starts a new one for the next', async () => {
    await hashing.hash('warm up', ARGON2_OPTIONS);
    const first = hashing.pid!;
    const inFlight = hashing.hash('in flight', ARGON2_OPTIONS);
    process.kill(first, 'SIGKILL');
    await expect(inFlight).rejects.toBeInstanceOf(ServiceUnavailableException);

    const hash = await hashing.hash('after', ARGON2_OPTIONS);
    expect(hashing.pid).not.toBe(first);
    await expect(hashing.verify(hash, 'after')).resolves.toBe(true);
  });
});
