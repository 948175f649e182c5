import { describeDevice } from './userAgent';

const UA = {
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  headlessChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.7444.59 Safari/537.36',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.3595.53',
  operaMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 OPR/125.0.0.0',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1',
  chromeIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/142.0.7444.46 Mobile/15E148 Safari/604.1',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36',
  samsungAndroid:
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/29.0 Chrome/136.0.0.0 Mobile Safari/537.36',
  firefoxAndroid: 'Mozilla/5.0 (Android 15; Mobile; rv:145.0) Gecko/145.0 Firefox/145.0',
  chromebook: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
};

describe('describeDevice', () => {
  it.each([
    [UA.chromeLinux, 'Chrome on Linux'],
    [UA.headlessChrome, 'Chrome on Linux'],
    [UA.edgeWindows, 'Edge on Windows'],
    [UA.operaMac, 'Opera on macOS'],
    [UA.firefoxWindows, 'Firefox on Windows'],
    [UA.safariMac, 'Safari on macOS'],
    [UA.safariIphone, 'Safari on iOS'],
    [UA.chromeIphone, 'Chrome on iOS'],
    [UA.chromeAndroid, 'Chrome on Android'],
    [UA.samsungAndroid, 'Samsung Internet on Android'],
    [UA.firefoxAndroid, 'Firefox on Android'],
    [UA.chromebook, 'Chrome on ChromeOS'],
  ])('names %s "%s"', (ua, name) => {
    expect(describeDevice(ua).name).toBe(name);
  });

  it('knows phones from computers', () => {
    expect(describeDevice(UA.safariIphone).mobile).toBe(true);
    expect(describeDevice(UA.chromeAndroid).mobile).toBe(true);
    expect(describeDevice(UA.chromeLinux).mobile).toBe(false);
  });

  it('says what it can of the rest, and "Unknown device" when nothing', () => {
    expect(describeDevice('Mozilla/5.0 (Linux; Android 14) SomeApp/2.1').name).toBe('Android');
    expect(describeDevice('curl/8.5.0')).toEqual({ name: 'Unknown device', mobile: false });
    expect(describeDevice('')).toEqual({ name: 'Unknown device', mobile: false });
    expect(describeDevice(null)).toEqual({ name: 'Unknown device', mobile: false });
  });
});
