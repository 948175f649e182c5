import { MAX_GROUP_NAME_LENGTH, MAX_PARTICIPANTS } from '@chatflow/protocol';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PlainText, Trim } from '../../platform/http/validators';

export class RenameGroupDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_GROUP_NAME_LENGTH, example: 'Weekend trip', description: 'Trimmed' })
  @Trim()
  @IsString()
  @Length(1, MAX_GROUP_NAME_LENGTH, { message: `name must be 1 to ${MAX_GROUP_NAME_LENGTH} characters` })
  @PlainText()
  name!: string;
}

export class AddParticipantsDto {
  @ApiPropertyOptional({ type: String, format: 'uuid', isArray: true, maxItems: MAX_PARTICIPANTS, description: 'The users to add' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PARTICIPANTS)
  @IsUUID('all', { each: true, message: 'user_ids must contain only UUIDs' })
  user_ids?: string[];

  @ApiPropertyOptional({ type: String, format: 'uuid', isArray: true, maxItems: MAX_PARTICIPANTS, description: 'Accepted in place of user_ids' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PARTICIPANTS)
  @IsUUID('all', { each: true, message: 'participant_ids must contain only UUIDs' })
  participant_ids?: string[];
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ['admin', 'member'] })
  @IsIn(['admin', 'member'], { message: 'role must be admin or member' })
  role!: 'admin' | 'member';
}
