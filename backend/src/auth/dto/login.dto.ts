import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PlainText } from '../../platform/http/validators';

/** JSON, or the OAuth2 password flow's form fields (grant_type, scope, client_id, client_secret). */
export class LoginDto {
  @ApiProperty({ description: 'Username or email', example: 'alice' })
  @IsString()
  @Length(1, 254)
  @PlainText()
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 1024)
  password!: string;

  @ApiPropertyOptional({ example: 'password' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  grant_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  scope?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_secret?: string;
}
