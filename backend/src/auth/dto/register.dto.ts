import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { EmailAddress, PlainText, Trim } from '../../platform/http/validators';
import { NotCommonPassword } from '../common-passwords';

export class RegisterDto {
  @ApiProperty({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$', example: 'alice' })
  @IsString()
  @Length(3, 32)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'username may only contain letters, digits, _ . and -' })
  username!: string;

  @ApiProperty({ format: 'email', maxLength: 254, example: 'alice@example.com' })
  @Trim()
  @IsString()
  @MaxLength(254)
  @EmailAddress()
  email!: string;

  @ApiProperty({ minLength: 8, maxLength: 128, example: 'correct horse battery staple', description: 'Not one of the most common passwords' })
  @IsString()
  @Length(8, 128)
  @NotCommonPassword()
  password!: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Alice Liddell' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  @PlainText()
  full_name?: string;
}
