import { ForbiddenException, Injectable } from '@nestjs/common';
import { AttachmentsService } from '../attachments/attachments.service';
import { LoginThrottle } from '../auth/login-throttle';
import { PasswordHasher } from '../auth/password-hasher';
import { SessionsService } from '../auth/sessions.service';
import { ConversationsService } from '../conversations/conversations.service';
import { DeparturesService } from '../conversations/departures.service';
import { MessagesService } from '../conversations/messages.service';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import { UsersService } from '../users/users.service';

/** Exports one user may start per hour (each reads every message they can see). */
const EXPORTS_PER_HOUR = 6;

/** Who is asking: the account, the session of their token, and the client address. */
export interface Caller {
  userId: string;
  sessionId: string;
  address: string;
}

/**
 * What an account owner does to the account as a whole: change its password, delete it,
 * take a copy of everything in it. Each asks for the password again (a stolen token alone
 * cannot), counted against the same limits as logins.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionsService,
    private readonly departures: DeparturesService,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly limiter: RateLimiter,
    private readonly attachments: AttachmentsService,
  ) {}

  /** 403 on a wrong current password; every other session is logged out. */
  async changePassword(caller: Caller, currentPassword: string, newPassword: string): Promise<void> {
    await this.confirmPassword(caller, currentPassword, 'Current password is incorrect');
    await this.users.setPasswordHash(caller.userId, await this.hasher.hash(newPassword));
    await this.sessions.revokeAll(caller.userId, caller.sessionId);
  }

  /**
   * 403 on a wrong password. Every session is revoked first (tokens refused, sockets closed
   * on every instance), so nothing the account does can race its deletion; then it leaves its
   * groups, its one-on-ones end, and it loses everything personal in one transaction. Should
   * that fail, the account is logged out but intact: its owner logs in and deletes it again.
   * Messages stay in the conversations of the others, under "Deleted account"; the files the
   * account uploaded do not (their messages show no attachments any more).
   */
  async deleteAccount(caller: Caller, password: string): Promise<void> {
    await this.confirmPassword(caller, password, 'Password is incorrect');
    await this.sessions.revokeAll(caller.userId);
    await this.departures.depart(caller.userId, (tx) => this.users.anonymize(tx, caller.userId));
    // Their files go too (rows, then blobs; the sweep finishes what a failure here leaves).
    await this.attachments.removeOfUploader(caller.userId);
  }

  /** The export, as JSON text in pieces: profile, sessions, blocks, then each conversation with its messages. */
  async *export(caller: Caller): AsyncGenerator<string> {
    await this.limiter.take(
      [{ key: `export:user:${caller.userId}`, max: EXPORTS_PER_HOUR, windowMs: 3_600_000 }],
      'Too many exports; try again later',
    );
    const [user, sessions, blocked, conversations] = await Promise.all([
      this.users.me(caller.userId),
      this.sessions.list(caller.userId, caller.sessionId),
      this.users.blocked(caller.userId),
      this.conversations.list(caller.userId),
    ]);
    const head = { format: 'chatflow-export', version: 1, exported_at: new Date().toISOString(), user, sessions, blocked_users: blocked };
    yield `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "conversations": [`;
    let first = true;
    for (const conversation of conversations) {
      const { last_message: _last, unread_count: _unread, has_unread: _has, ...kept } = conversation;
      yield `${first ? '' : ','}\n    ${JSON.stringify(kept).slice(0, -1)},"messages":[`;
      first = false;
      let firstPage = true;
      for await (const page of this.messages.readable(caller.userId, conversation.id)) {
        yield `${firstPage ? '' : ','}\n      ${page.map((m) => JSON.stringify(m)).join(',\n      ')}`;
        firstPage = false;
      }
      yield `\n    ]}`;
    }
    // What they wrote in groups they have since left is theirs too.
    yield `\n  ],\n  "messages_in_conversations_left": [`;
    let firstPage = true;
    for await (const page of this.messages.sentElsewhere(caller.userId)) {
      yield `${firstPage ? '' : ','}\n    ${page.map((m) => JSON.stringify(m)).join(',\n    ')}`;
      firstPage = false;
    }
    yield `\n  ]\n}\n`;
  }

  private async confirmPassword({ userId, address }: Caller, password: string, refusal: string): Promise<void> {
    const account = `user:${userId}`;
    await this.throttle.begin(account, address);
    const hash = await this.users.passwordHash(userId);
    if (!(await this.hasher.verify(hash, password))) throw new ForbiddenException(refusal);
    await this.throttle.succeeded(account, address);
  }
}
