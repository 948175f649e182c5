import { dayAndTime, dayKey, dayLabel, formatTime, lastSeenLabel, listTimestamp, userLocale, waitText } from './dates';

// Local times: the test process runs with TZ=UTC (jest.config.js).
const now = new Date('2026-11-24T15:00:00.000Z');

describe('times in the reader\'s locale', () => {
  const prefer = (...languages: string[]) => jest.spyOn(navigator, 'languages', 'get').mockReturnValue(languages);

  it('is the first language the browser prefers', () => {
    prefer('en-GB', 'en-US');
    expect(userLocale()).toBe('en-GB');
  });

  it('uses 24 hours or AM/PM as that locale does', () => {
    prefer('en-GB');
    expect(formatTime('2026-11-24T14:05:00.000Z')).toBe('14:05');
    expect(formatTime('2026-11-24T09:05:00.000Z')).toBe('09:05');
    prefer('de-DE');
    expect(formatTime('2026-11-24T14:05:00.000Z')).toBe('14:05');
    prefer('en-US');
    expect(formatTime('2026-11-24T14:05:00.000Z')).toMatch(/^2:05\sPM$/u);
    expect(formatTime('2026-11-24T09:05:00.000Z')).toMatch(/^9:05\sAM$/u);
  });

  it('writes dates and weekdays in that locale', () => {
    prefer('en-US');
    expect(dayLabel('2026-11-02T12:00:00.000Z', now)).toBe('11/02/2026');
    prefer('de-DE');
    expect(dayLabel('2026-11-02T12:00:00.000Z', now)).toBe('02.11.2026');
    expect(listTimestamp('2026-11-20T09:05:00.000Z', now)).toBe('Freitag');
  });

  it('falls back to the default locale for a tag the runtime refuses', () => {
    prefer('not a locale!');
    expect(formatTime('2026-11-24T14:05:00.000Z')).toMatch(/^\d{1,2}:05/u);
  });
});

describe('dayLabel', () => {
  it('calls today "Today" and the day before "Yesterday"', () => {
    expect(dayLabel('2026-11-24T00:10:00.000Z', now)).toBe('Today');
    expect(dayLabel('2026-11-23T23:59:00.000Z', now)).toBe('Yesterday');
  });

  it('gives older days as a date', () => {
    expect(dayLabel('2026-11-02T12:00:00.000Z', now, 'en-GB')).toBe('02/11/2026');
  });
});

describe('dayKey', () => {
  it('is the same within one local day and differs across midnight', () => {
    expect(dayKey('2026-11-24T00:00:00.000Z')).toBe(dayKey('2026-11-24T23:59:59.999Z'));
    expect(dayKey('2026-11-23T23:59:59.999Z')).not.toBe(dayKey('2026-11-24T00:00:00.000Z'));
  });
});

describe('listTimestamp', () => {
  it('shows the time today, "Yesterday", the weekday this week, else the date', () => {
    expect(listTimestamp('2026-11-24T09:05:00.000Z', now, 'en-GB')).toBe('09:05');
    expect(listTimestamp('2026-11-23T09:05:00.000Z', now, 'en-GB')).toBe('Yesterday');
    expect(listTimestamp('2026-11-20T09:05:00.000Z', now, 'en-GB')).toBe('Friday');
    expect(listTimestamp('2026-11-10T09:05:00.000Z', now, 'en-GB')).toBe('10/11/2026');
  });
});

describe('dayAndTime', () => {
  it('says the day (today, yesterday or the date) and the time', () => {
    expect(dayAndTime('2026-11-24T08:30:00.000Z', now, 'en-GB')).toBe('today at 08:30');
    expect(dayAndTime('2026-11-23T22:00:00.000Z', now, 'en-GB')).toBe('yesterday at 22:00');
    expect(dayAndTime('2026-10-01T07:00:00.000Z', now, 'en-GB')).toBe('01/10/2026 at 07:00');
  });
});

describe('lastSeenLabel', () => {
  it('says when someone was last seen', () => {
    expect(lastSeenLabel('2026-11-24T08:30:00.000Z', now, 'en-GB')).toBe('last seen today at 08:30');
    expect(lastSeenLabel('2026-11-23T22:00:00.000Z', now, 'en-GB')).toBe('last seen yesterday at 22:00');
    expect(lastSeenLabel('2026-10-01T07:00:00.000Z', now, 'en-GB')).toBe('last seen 01/10/2026 at 07:00');
  });

  it('says "offline" when the server never saw them', () => {
    expect(lastSeenLabel(null, now)).toBe('offline');
  });
});

describe('waitText', () => {
  it('rounds up to whole seconds, minutes or hours', () => {
    expect(waitText(0)).toBe('1 second');
    expect(waitText(42)).toBe('42 seconds');
    expect(waitText(60)).toBe('1 minute');
    expect(waitText(61)).toBe('2 minutes');
    expect(waitText(3599)).toBe('60 minutes');
    expect(waitText(3600)).toBe('1 hour');
    expect(waitText(5000)).toBe('2 hours');
  });
});
