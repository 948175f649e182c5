import { MAX_PINNED_CHATS, MUTED_FOREVER } from '@chatflow/protocol';
import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsISO8601, ValidateIf } from 'class-validator';

/** Absent, or true or false: null is no answer for a switch (400, not a database error). */
function OptionalBoolean(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_, value) => value !== undefined),
    IsBoolean(),
  );
}

/** Extension of API.md: `PATCH /conversations/{id}/settings`. Only the fields given change. */
export class UpdateChatSettingsDto {
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: MUTED_FOREVER,
    description: `Mute until then (${MUTED_FOREVER} for "Always"); null, or a time already past, unmutes`,
  })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsISO8601({ strict: true }, { message: 'muted_until must be an ISO-8601 date-time or null' })
  muted_until?: string | null;

  @ApiPropertyOptional({ description: `Pin on top of the list (at most ${MAX_PINNED_CHATS} chats: 409 beyond); pinning takes a chat out of the archive` })
  @OptionalBoolean()
  pinned?: boolean;

  @ApiPropertyOptional({ description: 'Archive (out of the main list; unpins it) or unarchive' })
  @OptionalBoolean()
  archived?: boolean;

  @ApiPropertyOptional({ description: 'Mark as unread (or not); reading the chat clears it' })
  @OptionalBoolean()
  marked_unread?: boolean;
}
