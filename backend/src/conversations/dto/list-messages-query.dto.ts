import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryInt } from '../../platform/http/validators';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class ListMessagesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The page of messages just older than this one' })
  @IsOptional()
  @IsUUID('all')
  before?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The page of messages just newer than this one' })
  @IsOptional()
  @IsUUID('all')
  after?: string;
}
