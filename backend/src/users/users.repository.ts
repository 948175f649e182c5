import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { prepared } from '../platform/database/sql';
import { User } from './user.entity';

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  fullName: string | null;
}

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
      .where('lower(u.username) = lower(:login) OR lower(u.email) = lower(:login)', { login })
      .getOne();
  }

  exists(id: string): Promise<boolean> {
    return this.users.existsBy({ id });
  }

  /** Which of these ids name an account. */
  async existing(ids: string[]): Promise<Set<string>> {
    const rows = await prepared<{ id: string }>(
      this.users.manager,
      'users_existing',
      `SELECT id FROM users WHERE id = ANY($1::uuid[])`,
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

  /** Other users ordered by username, optionally those whose username or full name contains `q`. */
  search(callerId: string, q: string | undefined, limit: number): Promise<User[]> {
    const query = this.users
      .createQueryBuilder('u')
      .where('u.id <> :callerId', { callerId })
      .orderBy('lower(u.username)')
      .limit(limit);
    if (q) {
      query.andWhere(`(u.username ILIKE :pattern ESCAPE '\\' OR u.full_name ILIKE :pattern ESCAPE '\\')`, {
        pattern: likePattern(q),
      });
    }
    return query.getMany();
  }
}
