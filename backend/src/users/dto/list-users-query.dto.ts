import { ApiPropertyOptional } from '@nestjs/swagger';
import { PlainText, QueryInt } from '../../platform/http/validators';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ListUsersQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of username or full name, matched literally', example: 'ali' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @PlainText()
  q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
