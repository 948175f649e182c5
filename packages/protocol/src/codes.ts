/** The subprotocol a browser offers (with `bearer.<token>` beside it) and the server selects. */
export const SUBPROTOCOL = 'chatflow.v1';

/** Prefix of the subprotocol that carries the access token. */
export const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';

/** Close codes: the standard ones the server uses, and the protocol's own (4xxx). */
export const CLOSE_CODES = {
  /** The server is shutting down; reconnect (to another instance). */
  goingAway: 1001,
  /** A frame over MAX_FRAME_BYTES. */
  messageTooBig: 1009,
  /** The server failed while opening the connection; reconnect later. */
  internalError: 1011,
  /** A dependency of the server (its database) cannot answer now: keep the session, reconnect with backoff. */
  tryAgainLater: 1013,
  /** The client did not read its events fast enough. */
  slowConsumer: 4008,
  /** Missing, invalid or expired token: log in again. */
  unauthorized: 4401,
  /** Not a participant of the conversation. */
  forbidden: 4403,
  /** No such conversation, or no such endpoint. */
  notFound: 4404,
  /** The user has as many connections open as the server allows: close one (another tab), then reconnect. */
  tooManyConnections: 4429,
} as const;

export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** The `code` of an `error` event: why a frame was refused. */
export const ERROR_CODES = [
  'invalid_json',
  'unknown_type',
  'invalid_frame',
  'forbidden',
  'not_found',
  'rate_limited',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
