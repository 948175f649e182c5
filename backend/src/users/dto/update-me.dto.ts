import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PlainText, Trim } from '../../platform/http/validators';
import { AVATAR_URL_DESCRIPTION, AvatarUrl } from '../avatar-url';

/** Both fields optional; null clears one. */
export class UpdateMeDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'Alice Liddell' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  @PlainText()
  full_name?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 2048,
    format: 'uri',
    example: 'https://example.com/alice.png',
    description: `The picture every viewer's browser loads (with no referrer). ${AVATAR_URL_DESCRIPTION}`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @AvatarUrl()
  avatar_url?: string | null;
}
