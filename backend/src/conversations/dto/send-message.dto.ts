import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, ValidateBy } from 'class-validator';
import { PlainText, Trim, WellFormedText } from '../../common/http/validators';

export const MAX_CONTENT_CHARACTERS = 4096;

/** Counts characters as code points, so an emoji is one character, not two UTF-16 units. */
export function contentLength(content: string): number {
  let count = 0;
  for (const _ of content) count += 1;
  return count;
}

export class SendMessageDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_CONTENT_CHARACTERS, example: 'See you at 8 🙂', description: 'Trimmed' })
  @Trim()
  @IsString()
  @ValidateBy({
    name: 'contentLength',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && contentLength(value) >= 1 && contentLength(value) <= MAX_CONTENT_CHARACTERS,
      defaultMessage: () => `content must be 1 to ${MAX_CONTENT_CHARACTERS} characters after trimming`,
    },
  })
  @WellFormedText()
  content!: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'Your idempotency key: a resend with the same one stores nothing new' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @PlainText()
  client_id?: string;
}
