import { ApiProperty } from '@nestjs/swagger';

export class EventsPageDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'The changes after `after`, oldest first, each as the WebSocket event that announces it ' +
      '(`message`, `message_updated`, `message_deleted`, …) with its `event_seq`. Each shows its message as it is ' +
      'now: a later edit or deletion shows through (the old text is kept nowhere), which a client applying them in ' +
      'order (newest `version` wins) turns into the same state.',
  })
  events!: Record<string, unknown>[];

  @ApiProperty({ example: 131, description: 'The conversation’s newest change: page again while the last event is below it' })
  last_event_seq!: number;
}
