import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * SECRET_KEY as the KeyObject that signs and verifies access tokens (HS256 over its UTF-8
 * bytes, as the string itself would). Given a string, jsonwebtoken first tries to parse it as a
 * public or private key — a failed OpenSSL decode on every sign and verify, about 0.5 ms of CPU
 * each here against 10 µs with a KeyObject — on every authenticated request and handshake.
 */
export function tokenKey(secretKey: string): KeyObject {
  return createSecretKey(Buffer.from(secretKey, 'utf8'));
}
