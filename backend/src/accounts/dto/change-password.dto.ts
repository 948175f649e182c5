import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { NotCommonPassword } from '../../auth/common-passwords';

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 128, example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(128)
  current_password!: string;

  @ApiProperty({ minLength: 8, maxLength: 128, example: 'another horse, another staple', description: 'Not one of the most common passwords' })
  @IsString()
  @Length(8, 128)
  @NotCommonPassword()
  new_password!: string;
}
