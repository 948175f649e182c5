import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainEvents } from '../platform/domain-events';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { PresenceService } from '../presence/presence.service';
import { PublicUserDto, UserDto } from './dto/user.dto';
import type { UpdateMeDto } from './dto/update-me.dto';
import type { User } from './user.entity';
import { BlocksRepository } from './blocks.repository';
import { ProfileChanged } from './user-events';
import { NewUser, UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly blocks: BlocksRepository,
    private readonly presence: PresenceService,
    private readonly limiter: RateLimiter,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'limits'>,
  ) {}

  async create(input: NewUser): Promise<UserDto> {
    await this.assertAvailable(input.username, input.email);
    try {
      return UserDto.from(await this.users.insert(input));
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
    return this.users.findForLogin(login);
  }

  setPasswordHash(id: string, passwordHash: string): Promise<void> {
    return this.users.setPasswordHash(id, passwordHash);
  }

  /** A live account's password hash (undefined once deleted). */
  passwordHash(id: string): Promise<string | undefined> {
    return this.users.passwordHash(id);
  }

  /**
   * Deletes the account within the caller's transaction: the row keeps only its id (and a
   * placeholder username), blocks by and of it go.
   */
  async anonymize(manager: EntityManager, id: string): Promise<void> {
    await this.users.anonymize(manager, id);
    await this.blocks.removeAllOf(manager, id);
  }

  exists(id: string): Promise<boolean> {
    return this.users.exists(id);
  }

  /** Which of these ids name an account. */
  existing(ids: string[]): Promise<Set<string>> {
    return this.users.existing(ids);
  }

  async me(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException('User not found');
    return UserDto.from(user);
  }

  async updateMe(id: string, changes: UpdateMeDto): Promise<UserDto> {
    const patch: Partial<Pick<User, 'fullName' | 'avatarUrl'>> = {};
    if (changes.full_name !== undefined) patch.fullName = changes.full_name || null;
    if (changes.avatar_url !== undefined) patch.avatarUrl = changes.avatar_url;
    if (!Object.keys(patch).length) return this.me(id);
    await this.users.update(id, patch);
    const me = await this.me(id);
    const { username, full_name, avatar_url } = me;
    this.events.publish(new ProfileChanged({ id, username, full_name, avatar_url }, await this.users.sharersOf(id)));
    return me;
  }

  /** Presence (online, last seen) only of those who share a conversation with the caller and did not block them. */
  async list(callerId: string, q: string | undefined, limit: number, address: string): Promise<PublicUserDto[]> {
    const { searchesPerMinutePerUser, searchesPerMinutePerAddress } = this.config.limits;
    await this.limiter.take(
      [
        { key: `search:user:${callerId}`, max: searchesPerMinutePerUser, windowMs: 60_000 },
        { key: `search:address:${address}`, max: searchesPerMinutePerAddress, windowMs: 60_000 },
      ],
      'Too many searches; try again in a moment',
    );
    const users = await this.users.search(callerId, q, limit);
    const online = await this.presence.onlineAmong(users.filter((u) => u.presenceVisible).map((u) => u.id));
    return users.map((u) => PublicUserDto.from(u, online.has(u.id), u.presenceVisible));
  }

  /** Blocks another user (repeating is harmless): 400 yourself, 404 no such user. */
  async block(callerId: string, userId: string): Promise<void> {
    await this.assertOther(callerId, userId);
    if (await this.blocks.block(callerId, userId)) await this.presence.hideFrom(callerId, userId);
  }

  async unblock(callerId: string, userId: string): Promise<void> {
    await this.assertOther(callerId, userId);
    if (await this.blocks.unblock(callerId, userId)) await this.presence.showTo(callerId, userId);
  }

  async blocked(callerId: string): Promise<PublicUserDto[]> {
    const rows = await this.blocks.blockedBy(callerId);
    const online = await this.presence.onlineAmong(rows.filter((r) => r.shares_conversation).map((r) => r.id));
    return rows.map((r) =>
      PublicUserDto.from(
        { id: r.id, username: r.username, fullName: r.full_name, avatarUrl: r.avatar_url, lastSeenAt: r.last_seen_at },
        online.has(r.id),
        r.shares_conversation,
      ),
    );
  }

  /** Which of these users have blocked `userId` (who then may not add them to a group or start a chat with them). */
  blockersOf(userId: string, amongIds: string[]): Promise<Set<string>> {
    return this.blocks.blockersOf(userId, amongIds);
  }

  private async assertOther(callerId: string, userId: string): Promise<void> {
    if (userId === callerId) throw new BadRequestException('You cannot block yourself');
    if (!(await this.users.exists(userId))) throw new NotFoundException('User not found');
  }

  private async assertAvailable(username: string, email: string): Promise<void> {
    const taken = await this.users.withUsernameOrEmail(username, email);
    if (taken.some((u) => u.username.toLowerCase() === username.toLowerCase())) {
      throw new ConflictException('Username is already taken');
    }
    if (taken.length) throw new ConflictException('Email is already registered');
  }
}
