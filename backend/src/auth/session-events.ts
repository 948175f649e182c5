/** Sessions of a user were logged out or revoked (committed): their sockets close on every instance. */
export class SessionsRevoked {
  static readonly topic = 'auth.sessions-revoked';

  constructor(
    readonly userId: string,
    readonly sessionIds: string[],
  ) {}
}
