import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The body of POST /conversations/{id}/read: empty (read everything), or how far the reader has read. */
export class MarkReadDto {
  @ApiPropertyOptional({
    minimum: 1,
    example: 42,
    description:
      'Extension: read up to this message (its `seq`), the newest the reader has seen; later messages stay unread. ' +
      'Without it, every message is read. The read mark never moves back.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  up_to_seq?: number;
}
