import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { PresenceService } from '../realtime/presence.service';
import { PublicUserDto, UserDto } from './dto/user.dto';
import type { UpdateMeDto } from './dto/update-me.dto';
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

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly presence: PresenceService,
  ) {}

  async create(input: NewUser): Promise<UserDto> {
    await this.assertAvailable(input.username, input.email);
    try {
      const saved = await this.users.save(this.users.create(input));
      return UserDto.from(saved);
    } catch (error) {
      // Two registrations raced past the check: the unique indexes decide.
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new ConflictException('Username or email is already taken');
      }
      throw error;
    }
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

  async me(id: string): Promise<UserDto> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundException('User not found');
    return UserDto.from(user);
  }

  async updateMe(id: string, changes: UpdateMeDto): Promise<UserDto> {
    const patch: Partial<User> = {};
    if (changes.full_name !== undefined) patch.fullName = changes.full_name || null;
    if (changes.avatar_url !== undefined) patch.avatarUrl = changes.avatar_url;
    if (Object.keys(patch).length) await this.users.update({ id }, patch);
    return this.me(id);
  }

  async list(callerId: string, q: string | undefined, limit: number): Promise<PublicUserDto[]> {
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
    const users = await query.getMany();
    const online = await this.presence.onlineAmong(users.map((u) => u.id));
    return users.map((u) => PublicUserDto.from(u, online.has(u.id)));
  }

  private async assertAvailable(username: string, email: string): Promise<void> {
    const taken = await this.users
      .createQueryBuilder('u')
      .select(['u.username', 'u.email'])
      .where('lower(u.username) = lower(:username) OR lower(u.email) = lower(:email)', { username, email })
      .getMany();
    if (taken.some((u) => u.username.toLowerCase() === username.toLowerCase())) {
      throw new ConflictException('Username is already taken');
    }
    if (taken.length) throw new ConflictException('Email is already registered');
  }
}
