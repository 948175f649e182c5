import { ApiProperty } from '@nestjs/swagger';

/** One login of the caller's that can still be used. */
export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', description: 'Updated at most once a minute while the session is used' })
  last_used_at!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The User-Agent of the login, as the client sent it', example: 'Mozilla/5.0 (X11; Linux x86_64)…' })
  user_agent!: string | null;

  @ApiProperty({ description: 'The session of the token making this request' })
  current!: boolean;
}
