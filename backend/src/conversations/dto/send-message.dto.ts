import { countCharacters, MAX_CLIENT_ID_LENGTH, MAX_CONTENT_CHARACTERS, messageText } from '@chatflow/protocol';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Length, ValidateBy } from 'class-validator';
import { PlainText, WellFormedText } from '../../platform/http/validators';

/**
 * Message text: 1 to MAX_CONTENT_CHARACTERS characters (code points) once trimmed, well-formed;
 * stored without the blank lines before it or the white space after it, its indentation kept.
 */
export function MessageContent(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      minLength: 1,
      maxLength: MAX_CONTENT_CHARACTERS,
      example: 'See you at 8 🙂',
      description: 'Counted once trimmed; stored without blank lines before it or white space after it (the indentation of its first line is kept)',
    }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? messageText(value) : value)),
    IsString(),
    ValidateBy({
      name: 'contentLength',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && countCharacters(value.trim()) >= 1 && countCharacters(value.trim()) <= MAX_CONTENT_CHARACTERS,
        defaultMessage: () => `content must be 1 to ${MAX_CONTENT_CHARACTERS} characters after trimming`,
      },
    }),
    WellFormedText(),
  );
}

export class SendMessageDto {
  @MessageContent()
  content!: string;

  @ApiPropertyOptional({ maxLength: MAX_CLIENT_ID_LENGTH, description: 'Your idempotency key: a resend with the same one stores nothing new' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_CLIENT_ID_LENGTH)
  @PlainText()
  client_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A message of the same conversation that this one replies to' })
  @IsOptional()
  @IsUUID('all', { message: 'reply_to_id must be a UUID' })
  reply_to_id?: string;
}
