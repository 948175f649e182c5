/**
 * What a login's User-Agent says about the device, enough to tell one's devices apart
 * ("Chrome on Linux"). A few patterns for the browsers and systems people use, checked in an
 * order that settles the overlaps (Edge and Opera say "Chrome" too, Chrome says "Safari",
 * Android says "Linux", an iPhone says "like Mac OS X"); a parser that knows every device
 * would cost more than the rest of the chat list.
 */

const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  // HeadlessChrome too: no word boundary before "Chrome".
  [/Chrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: Array<[RegExp, string, boolean]> = [
  [/\bWindows\b/, 'Windows', false],
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS', true],
  [/\bAndroid\b/, 'Android', true],
  [/\bCrOS\b/, 'ChromeOS', false],
  [/\bMacintosh\b|\bMac OS X\b/, 'macOS', false],
  [/\bLinux\b|\bX11\b/, 'Linux', false],
];

export interface Device {
  /** "Chrome on Linux", "Safari on iOS", "Firefox", "Android", or "Unknown device". */
  name: string;
  /** A phone or tablet, as far as the system tells. */
  mobile: boolean;
}

export function describeDevice(userAgent: string | null): Device {
  const ua = userAgent ?? '';
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua));
  const mobile = system?.[2] ?? false;
  if (browser && system) return { name: `${browser} on ${system[1]}`, mobile };
  return { name: browser ?? system?.[1] ?? 'Unknown device', mobile };
}
