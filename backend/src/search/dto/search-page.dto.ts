import { ApiProperty } from '@nestjs/swagger';
import { MessageDto } from '../../conversations/dto/message.dto';

export class SearchResultDto {
  @ApiProperty({ format: 'uuid' })
  conversation_id!: string;

  @ApiProperty({ type: MessageDto, description: 'The message as history shows it now' })
  message!: MessageDto;
}

export class SearchPageDto {
  @ApiProperty({ type: SearchResultDto, isArray: true, description: 'Newest first' })
  results!: SearchResultDto[];

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Pass as `before` for the next page; null when there are no more results',
  })
  next_before!: string | null;
}
