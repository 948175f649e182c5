import { countCharacters, MAX_ATTACHMENTS_PER_MESSAGE, MAX_CLIENT_ID_LENGTH, MAX_CONTENT_CHARACTERS, messageText } from '@chatflow/protocol';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, IsUUID, Length, ValidateBy } from 'class-validator';
import { PlainText, WellFormedText } from '../../platform/http/validators';

/**
 * Message text: 1 to MAX_CONTENT_CHARACTERS characters (code points) once trimmed, well-formed;
 * stored without the blank lines before it or the white space after it, its indentation kept.
 */
export function MessageContent(options: { emptyWithAttachments?: boolean } = {}): PropertyDecorator {
  const withAttachments = (object: object) =>
    options.emptyWithAttachments === true && Array.isArray((object as { attachment_ids?: unknown }).attachment_ids) &&
    (object as { attachment_ids: unknown[] }).attachment_ids.length > 0;
  return applyDecorators(
    ApiProperty({
      minLength: options.emptyWithAttachments ? 0 : 1,
      maxLength: MAX_CONTENT_CHARACTERS,
      example: 'See you at 8 🙂',
      description:
        'Counted once trimmed; stored without blank lines before it or white space after it (the indentation of its first line is kept)' +
        (options.emptyWithAttachments ? '. May be "" when attachment_ids names at least one file' : ''),
    }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? messageText(value) : value)),
    IsString(),
    ValidateBy({
      name: 'contentLength',
      validator: {
        validate: (value: unknown, args) =>
          typeof value === 'string' &&
          countCharacters(value.trim()) >= (args && withAttachments(args.object) ? 0 : 1) &&
          countCharacters(value.trim()) <= MAX_CONTENT_CHARACTERS,
        defaultMessage: (args) =>
          args && withAttachments(args.object)
            ? `content must be at most ${MAX_CONTENT_CHARACTERS} characters after trimming`
            : `content must be 1 to ${MAX_CONTENT_CHARACTERS} characters after trimming`,
      },
    }),
    WellFormedText(),
  );
}

export class SendMessageDto {
  @MessageContent({ emptyWithAttachments: true })
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

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    isArray: true,
    maxItems: MAX_ATTACHMENTS_PER_MESSAGE,
    description: 'Files you uploaded (POST /attachments) that no message carries yet, in the order shown',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ATTACHMENTS_PER_MESSAGE)
  @ArrayUnique({ message: 'attachment_ids must not repeat an id' })
  @IsUUID('all', { each: true, message: 'attachment_ids must contain only UUIDs' })
  attachment_ids?: string[];
}
