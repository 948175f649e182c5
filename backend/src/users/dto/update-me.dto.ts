import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { PlainText, Trim } from '../../platform/http/validators';

/** Both fields optional; null clears one. */
export class UpdateMeDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'Alice Liddell' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  @PlainText()
  full_name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2048, example: 'https://example.com/alice.png' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'avatar_url must be an http(s) URL' })
  avatar_url?: string | null;
}
