/**
 * The response headers of the built web client, wherever it is served: `vite preview` (what
 * `npm start` runs) sends these; deploy/nginx/web-headers.conf repeats them for nginx, and
 * e2e/tests/security.test.ts checks that the two agree.
 *
 * The client loads nothing from elsewhere but avatars: its scripts and styles are Vite's
 * files (no inline script or style element; React's `style` props go through the CSSOM,
 * which CSP does not govern), it calls the API with relative URLs and opens /ws on the page's
 * own host (`'self'` covers ws:/wss: of the same host in CSP Level 3), and avatars are https
 * URLs on public hosts (the server's avatar_url policy), hence `img-src https:`. `data:` is the
 * favicon. Attachments (pictures, audio and video players, downloads) load from the API's
 * signed URLs, which are relative (`/attachments/{id}/…`) and so reach the API through this
 * same origin as every other call: `'self'` for `img-src` and `media-src`, no API origin to
 * name; `blob:` is the composer's preview of a picture picked for a message (an object URL of
 * the file). Not for `vite` (the dev server), whose React refresh preamble is an inline script.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https:",
  "media-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Powerful features the client never uses, refused to it and to anything it might embed. */
export const PERMISSIONS_POLICY = [
  'camera=()',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'bluetooth=()',
  'hid=()',
  'midi=()',
  'display-capture=()',
  'browsing-topics=()',
].join(', ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // frame-ancestors 'none' says the same to browsers that know CSP Level 2; this, to older ones.
  'X-Frame-Options': 'DENY',
  // Nothing about the page (a chat's URL) reaches another site, avatars' hosts included.
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': PERMISSIONS_POLICY,
  // No window of another site keeps a handle on this one (window.opener).
  'Cross-Origin-Opener-Policy': 'same-origin',
};
