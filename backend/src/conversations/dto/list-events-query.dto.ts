import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { QueryInt } from '../../platform/http/validators';

export class ListEventsQueryDto {
  @ApiProperty({ minimum: 0, example: 120, description: 'The last event_seq the client applied (0: from the start)' })
  @QueryInt()
  @IsInt()
  @Min(0)
  after!: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
