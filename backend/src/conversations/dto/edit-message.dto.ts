import { MessageContent } from './send-message.dto';

export class EditMessageDto {
  @MessageContent()
  content!: string;
}
