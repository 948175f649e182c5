import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** The signature part of a signed attachment URL (as `url` and `thumbnail_url` give it). */
export class SignedUrlQueryDto {
  @ApiPropertyOptional({ example: '1767225600', description: 'Unix time (seconds) after which the URL is refused' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  expires?: string;

  @ApiPropertyOptional({ description: 'HMAC of the attachment id, variant and expiry' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  signature?: string;
}
