import { HashingBusyException, HashingQueue } from './hashing-queue';

/** A task the test finishes when it says. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('HashingQueue', () => {
  it('runs at most `concurrency` tasks at once; the others wait and run in order as slots free up', async () => {
    const queue = new HashingQueue(2, 10);
    const tasks = [deferred<number>(), deferred<number>(), deferred<number>(), deferred<number>()];
    const started: number[] = [];
    const results = tasks.map((task, i) =>
      queue.run(() => {
        started.push(i);
        return task.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(queue.load).toEqual({ running: 2, waiting: 2 });

    tasks[1].resolve(1);
    await expect(results[1]).resolves.toBe(1);
    expect(started).toEqual([0, 1, 2]);
    expect(queue.load).toEqual({ running: 2, waiting: 1 });

    tasks[0].reject(new Error('argon2 failed'));
    await expect(results[0]).rejects.toThrow('argon2 failed');
    expect(started).toEqual([0, 1, 2, 3]);

    tasks[2].resolve(2);
    tasks[3].resolve(3);
    await expect(Promise.all([results[2], results[3]])).resolves.toEqual([2, 3]);
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses with 503 and Retry-After once the queue is full, and takes tasks again when it drains', async () => {
    const queue = new HashingQueue(1, 1);
    const first = deferred<string>();
    const second = deferred<string>();
    const running = queue.run(() => first.promise);
    const waiting = queue.run(() => second.promise);
    const refused = queue.run(() => Promise.resolve('never'));
    await expect(refused).rejects.toBeInstanceOf(HashingBusyException);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 1, status: 503 });

    first.resolve('a');
    second.resolve('b');
    await expect(Promise.all([running, waiting])).resolves.toEqual(['a', 'b']);
    await expect(queue.run(() => Promise.resolve('again'))).resolves.toBe('again');
  });
});
