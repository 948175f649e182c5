import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PlainText, QueryInt, Trim } from '../../platform/http/validators';

export class SearchQueryDto {
  @ApiProperty({
    description:
      'Words to find, every one of them: each matches a whole word, or the start of one when it has 3 characters or more; ' +
      'case and diacritics are ignored (Café finds cafe, caf finds both), emoji and punctuation too',
    example: 'caf lait',
    minLength: 2,
    maxLength: 256,
  })
  @Trim()
  @IsString()
  @MinLength(2)
  @MaxLength(256)
  @PlainText()
  q!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Search this conversation only (else every conversation of yours)' })
  @IsOptional()
  @IsUUID('all')
  conversation_id?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The next page: the results older than this one (`next_before` of the previous page)' })
  @IsOptional()
  @IsUUID('all')
  before?: string;
}
