import { countCharacters, MAX_CLIENT_ID_LENGTH, MAX_CONTENT_CHARACTERS } from '@chatflow/protocol';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, ValidateBy } from 'class-validator';
import { PlainText, Trim, WellFormedText } from '../../platform/http/validators';

/** Message text: trimmed, 1 to MAX_CONTENT_CHARACTERS characters (code points), well-formed. */
export function MessageContent(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ minLength: 1, maxLength: MAX_CONTENT_CHARACTERS, example: 'See you at 8 🙂', description: 'Trimmed' }),
    Trim(),
    IsString(),
    ValidateBy({
      name: 'contentLength',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && countCharacters(value) >= 1 && countCharacters(value) <= MAX_CONTENT_CHARACTERS,
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
