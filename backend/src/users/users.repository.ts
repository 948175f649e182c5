import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository, type EntityManager } from 'typeorm';
import { prepared, sql } from '../platform/database/sql';
import { User } from './user.entity';

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  fullName: string | null;
}

export type UserWithPresenceVisibility = Pick<User, 'id' | 'username' | 'fullName' | 'avatarUrl' | 'lastSeenAt'> & {
  presenceVisible: boolean;
};

/** Escapes LIKE's wildcards so a search matches the text literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** SQL for accounts. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Inserts an account; a unique index (username or email, ignoring case) may refuse it. */
  insert(input: NewUser): Promise<User> {
    return this.users.save(this.users.create(input));
  }

  /** The accounts whose username or email is one of these, ignoring case. */
  withUsernameOrEmail(username: string, email: string): Promise<Pick<User, 'username' | 'email'>[]> {
    return this.users
      .createQueryBuilder('u')
      .select(['u.username', 'u.email'])
      .where('lower(u.username) = lower(:username) OR lower(u.email) = lower(:email)', { username, email })
      .getMany();
  }

  /** The account a login names, by username or email, ignoring case; with its password hash. */
  findForLogin(login: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('(lower(u.username) = lower(:login) OR lower(u.email) = lower(:login)) AND u.deleted_at IS NULL', { login })
      .getOne();
  }

  /** A live account's password hash (undefined when there is none). */
  async passwordHash(id: string): Promise<string | undefined> {
    const [row] = await sql<{ password_hash: string }>(
      this.users.manager,
      `SELECT password_hash FROM users WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
    return row?.password_hash;
  }

  /**
   * Deletes an account: everything personal goes, the row stays under a username no
   * registration can take (a colon is not allowed in one), so others' conversations still
   * name their messages' sender.
   */
  async anonymize(manager: EntityManager, id: string): Promise<void> {
    await sql(
      manager,
      `UPDATE users SET username = 'deleted:' || left(replace(id::text, '-', ''), 16), email = NULL, password_hash = NULL,
              full_name = NULL, avatar_url = NULL, last_seen_at = NULL, deleted_at = date_trunc('milliseconds', now())
        WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }

  /** Whether a live (not deleted) account has this id. */
  exists(id: string): Promise<boolean> {
    return this.users.existsBy({ id, deletedAt: IsNull() });
  }

  /** Which of these ids name a live (not deleted) account. */
  async existing(ids: string[]): Promise<Set<string>> {
    const rows = await prepared<{ id: string }>(
      this.users.manager,
      'users_existing',
      `SELECT id FROM users WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  async update(id: string, patch: Partial<Pick<User, 'fullName' | 'avatarUrl'>>): Promise<void> {
    await this.users.update({ id }, patch);
  }

  /** Everyone who shares a conversation with the user (whoever blocked whom: they all see the user's name). */
  async sharersOf(userId: string): Promise<string[]> {
    const rows = await sql<{ user_id: string }>(
      this.users.manager,
      `SELECT DISTINCT other.user_id FROM participants mine
         JOIN participants other ON other.conversation_id = mine.conversation_id
        WHERE mine.user_id = $1 AND other.user_id <> $1`,
      [userId],
    );
    return rows.map((r) => r.user_id);
  }

  /**
   * Other users ordered by username, optionally those whose username or full name contains
   * `q`; each says whether the caller may see their presence: only someone who shares a
   * conversation with them, and whom they have not blocked.
   */
  async search(callerId: string, q: string | undefined, limit: number): Promise<UserWithPresenceVisibility[]> {
    const rows = await sql<{
      id: string;
      username: string;
      full_name: string | null;
      avatar_url: string | null;
      last_seen_at: Date | null;
      presence_visible: boolean;
    }>(
      this.users.manager,
      `SELECT u.id, u.username, u.full_name, u.avatar_url, u.last_seen_at,
              EXISTS (SELECT 1 FROM participants mine JOIN participants theirs ON theirs.conversation_id = mine.conversation_id
                       WHERE mine.user_id = $1 AND theirs.user_id = u.id)
                AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = u.id AND b.blocked_id = $1) AS presence_visible
         FROM users u
        WHERE u.id <> $1 AND u.deleted_at IS NULL AND ($2::text IS NULL OR u.username ILIKE $2 ESCAPE '\\' OR u.full_name ILIKE $2 ESCAPE '\\')
        ORDER BY lower(u.username)
        LIMIT $3`,
      [callerId, q ? likePattern(q) : null, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      fullName: r.full_name,
      avatarUrl: r.avatar_url,
      lastSeenAt: r.last_seen_at,
      presenceVisible: r.presence_visible,
    }));
  }
}
