import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';
import { NoControlCharacters, Trim } from '../../common/http/validators';

export class UpdateMeDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'Alice Liddell' })
  @ValidateIf((_, v) => v !== null)
  @Trim()
  @IsString()
  @MaxLength(100)
  @NoControlCharacters()
  full_name?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2048, example: 'https://example.com/alice.png' })
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'avatar_url must be an http(s) URL' })
  avatar_url?: string | null;
}
