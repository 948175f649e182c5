import type { PublicUser } from '@chatflow/protocol';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { iso } from '../../platform/http/iso';
import { servableAvatarUrl } from '../avatar-url';
import type { User } from '../user.entity';

const AVATAR_URL_SERVED =
  'An http(s) URL on a public host (see PATCH /users/me), or null; a value stored before that policy existed is served as null.';

/** The caller's own account. */
export class UserDto {
  @ApiProperty({ format: 'uuid', example: '3f0c2a0e-6d1b-4c53-9a59-2b7b0f8f6a11' })
  id!: string;

  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiProperty({ example: 'alice@example.com' })
  email!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Alice Liddell' })
  full_name!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'https://example.com/alice.png', description: AVATAR_URL_SERVED })
  avatar_url!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-24T14:03:22.123Z' })
  created_at!: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      username: user.username,
      // Only a live account's owner sees it, and a live account has an email.
      email: user.email ?? '',
      full_name: user.fullName,
      avatar_url: servableAvatarUrl(user.avatarUrl),
      created_at: iso(user.createdAt)!,
    };
  }
}

/** What anyone may see of another user: never the email, nothing about the password. */
export class PublicUserDto implements PublicUser {
  @ApiProperty({ format: 'uuid', example: '3f0c2a0e-6d1b-4c53-9a59-2b7b0f8f6a11' })
  id!: string;

  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Alice Liddell' })
  full_name!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: AVATAR_URL_SERVED })
  avatar_url!: string | null;

  @ApiProperty({ example: true })
  is_online!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-24T14:03:22.123Z' })
  last_seen_at!: string | null;

  @ApiPropertyOptional({
    enum: [true],
    description: 'Present for an account its owner deleted (shown as "Deleted account"; no profile, no presence, nobody can write to it)',
  })
  deleted?: true;

  /**
   * `presenceVisible` false hides whether and when the user was last online (from someone who
   * shares no conversation with them, or whom they blocked): offline, never seen.
   */
  static from(
    user: Pick<User, 'id' | 'username' | 'fullName' | 'avatarUrl' | 'lastSeenAt'> & { deletedAt?: Date | null },
    isOnline: boolean,
    presenceVisible = true,
  ): PublicUserDto {
    if (user.deletedAt) {
      return { id: user.id, username: user.username, full_name: null, avatar_url: null, is_online: false, last_seen_at: null, deleted: true };
    }
    return {
      id: user.id,
      username: user.username,
      full_name: user.fullName,
      avatar_url: servableAvatarUrl(user.avatarUrl),
      is_online: presenceVisible && isOnline,
      last_seen_at: presenceVisible ? iso(user.lastSeenAt) : null,
    };
  }
}
