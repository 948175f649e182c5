import { MAX_GROUP_NAME_LENGTH, MAX_PARTICIPANTS } from '@chatflow/protocol';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PlainText, Trim } from '../../platform/http/validators';

export class CreateConversationDto {
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    isArray: true,
    maxItems: MAX_PARTICIPANTS,
    description: 'The other participants; you are added automatically',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PARTICIPANTS)
  @IsUUID('all', { each: true, message: 'participant_ids must contain only UUIDs' })
  participant_ids?: string[];

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    isArray: true,
    maxItems: MAX_PARTICIPANTS,
    description: 'Accepted in place of participant_ids (the original ChatFlow client’s name)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PARTICIPANTS)
  @IsUUID('all', { each: true, message: 'user_ids must contain only UUIDs' })
  user_ids?: string[];

  @ApiPropertyOptional({ description: 'Defaults to true when more than one other user is named' })
  @IsOptional()
  @IsBoolean()
  is_group_chat?: boolean;

  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_GROUP_NAME_LENGTH, description: 'Required for a group; ignored for a one-on-one' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, MAX_GROUP_NAME_LENGTH, { message: `name must be 1 to ${MAX_GROUP_NAME_LENGTH} characters` })
  @PlainText()
  name?: string;
}
