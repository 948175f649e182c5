import { UnreadableContentLog } from './unreadable-content-log';

describe('UnreadableContentLog', () => {
  function setup(max?: number) {
    const errors: string[] = [];
    const log = new UnreadableContentLog({ error: (message: string) => errors.push(message) }, max);
    return { log, errors };
  }

  it('logs a message that cannot be decrypted once, however often it is read', () => {
    const { log, errors } = setup();
    for (let i = 0; i < 5; i++) log.report('m1', 'k1', new Error('Unsupported state or unable to authenticate data'));
    expect(errors).toEqual(['message m1 cannot be decrypted (key id k1): Unsupported state or unable to authenticate data; it is served as unavailable']);
  });

  it('logs each message of its own', () => {
    const { log, errors } = setup();
    log.report('m1', 'k1', new Error('bad tag'));
    log.report('m2', 'k9', new Error('no key'));
    log.report('m1', 'k1', new Error('bad tag'));
    expect(errors).toHaveLength(2);
  });

  it('remembers a bounded number of ids, forgetting the oldest first', () => {
    const { log, errors } = setup(2);
    for (const id of ['m1', 'm2', 'm3', 'm2', 'm1']) log.report(id, 'k1', new Error('bad tag'));
    expect(errors.map((e) => e.split(' ')[1])).toEqual(['m1', 'm2', 'm3', 'm1']);
  });
});
