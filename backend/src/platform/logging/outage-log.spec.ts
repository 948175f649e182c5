import { OutageLog } from './outage-log';

describe('OutageLog', () => {
  function setup() {
    const warnings: string[] = [];
    const log = new OutageLog({ warn: (message: string) => warnings.push(message) }, 'PostgreSQL', 10_000);
    return { log, warnings };
  }

  it('warns once for a burst of failures, however long it lasts', () => {
    const { log, warnings } = setup();
    for (let t = 0; t <= 60_000; t += 1_000) log.failed(new Error('Connection terminated unexpectedly'), t);
    expect(warnings).toEqual(['PostgreSQL unavailable: Connection terminated unexpectedly; requests get 503 until it answers again']);
  });

  it('warns again after a quiet spell, counting what the previous burst left out', () => {
    const { log, warnings } = setup();
    log.failed(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 0);
    log.failed(new Error('same outage'), 5_000);
    log.failed(new Error('same outage'), 9_000);
    log.failed(Object.assign(new Error('terminating connection'), { code: '57P01' }), 19_000);
    expect(warnings).toEqual([
      'PostgreSQL unavailable: connect ECONNREFUSED; requests get 503 until it answers again',
      'PostgreSQL unavailable: terminating connection (57P01); requests get 503 until it answers again (the previous outage failed 2 more times)',
    ]);
  });
});
