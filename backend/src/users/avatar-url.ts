import { isURL, ValidateBy } from 'class-validator';
import { BlockList, isIP } from 'node:net';

/**
 * Every viewer's browser loads a user's avatar_url, so the URL must not make those browsers
 * reach somewhere the owner chose for them: it is http(s) (API.md's rule; the web client shows
 * only https ones, see its Content-Security-Policy), carries no credentials, and names
 * a public host — no address on a private, loopback, link-local or otherwise special network,
 * no `localhost`, no private-use name (`.local`, `.internal`, …) and no single-label intranet
 * name. A public name that resolves to a private address is beyond what a check here can see
 * (the viewer's browser resolves it); the web client's Content-Security-Policy and referrer
 * policy limit what such an image can learn.
 */
const AVATAR_URL_POLICY =
  'an http(s) URL without credentials, naming a public host (no private, loopback or link-local address, no localhost, .local or .internal name)';

/** Networks no avatar may be served from: RFC 6890's special-purpose blocks that are not the public internet. */
const SPECIAL_NETWORKS = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast included
] as const) {
  SPECIAL_NETWORKS.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: an IPv4 address in disguise
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: an IPv4 address in disguise
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  SPECIAL_NETWORKS.addSubnet(network, prefix, 'ipv6');
}
// IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are checked against the IPv4 rules by BlockList.

/** Names that never mean a host on the public internet (RFC 6761, 6762, 8375, and common private-use suffixes). */
const PRIVATE_NAME_SUFFIXES = ['localhost', 'local', 'internal', 'intranet', 'lan', 'home', 'corp', 'localdomain', 'home.arpa', 'test', 'invalid'];

const NOT_HTTP = 'avatar_url must be an http(s) URL';

/** Why `value` is not acceptable as an avatar_url, or null when it is. */
export function avatarUrlProblem(value: string): string | null {
  // validator.js first: stricter about what a URL looks like than the WHATWG parser, which
  // would take "https:example.com" or a host with a trailing dot and repair it.
  if (!/^https?:\/\//i.test(value) || !isURL(value, { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true })) {
    return NOT_HTTP;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return NOT_HTTP;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return NOT_HTTP;
  if (url.username || url.password) return 'avatar_url must not contain a user name or password';
  // The parser has already turned every spelling of an IPv4 address (0x7f.1, 2130706433) into
  // dotted decimal and an IPv6 one into its bracketed canonical form.
  const host = url.hostname.replace(/\.$/, '').toLowerCase();
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  const family = isIP(literal);
  if (family) {
    return SPECIAL_NETWORKS.check(literal, family === 4 ? 'ipv4' : 'ipv6')
      ? 'avatar_url must not point at a private, loopback, link-local or reserved address'
      : null;
  }
  if (!host.includes('.') || PRIVATE_NAME_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) {
    return 'avatar_url must name a public host (not localhost, a .local or .internal name, or a name without a dot)';
  }
  return null;
}

/** Verdicts on stored values, which repeat in every list a user appears in; emptied when full. */
const servable = new Map<string, boolean>();
const SERVABLE_MEMO_SIZE = 10_000;

/** A stored avatar_url as it may be shown: values saved before the policy existed are not (null). */
export function servableAvatarUrl(value: string | null): string | null {
  if (value === null) return null;
  let ok = servable.get(value);
  if (ok === undefined) {
    ok = avatarUrlProblem(value) === null;
    if (servable.size >= SERVABLE_MEMO_SIZE) servable.clear();
    servable.set(value, ok);
  }
  return ok ? value : null;
}

/** The avatar_url policy (above) as a class-validator decorator; null and non-strings are left to the others. */
export const AvatarUrl = () =>
  ValidateBy({
    name: 'avatarUrl',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || avatarUrlProblem(value) === null,
      defaultMessage: (args) => avatarUrlProblem(String(args?.value)) ?? `avatar_url must be ${AVATAR_URL_POLICY}`,
    },
  });

/** The policy in words, for the OpenAPI descriptions. */
export const AVATAR_URL_DESCRIPTION = `At most 2048 characters; ${AVATAR_URL_POLICY}. Anything else is 400.`;
