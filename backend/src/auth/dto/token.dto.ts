import { ApiProperty } from '@nestjs/swagger';

export class TokenDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' })
  access_token!: string;

  @ApiProperty({ example: 'bearer', enum: ['bearer'] })
  token_type!: 'bearer';

  @ApiProperty({ description: 'Seconds until the token expires', example: 86400 })
  expires_in!: number;
}
