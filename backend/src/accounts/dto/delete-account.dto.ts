import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class DeleteAccountDto {
  @ApiProperty({ maxLength: 128, description: 'Your password, to confirm', example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(128)
  password!: string;
}
