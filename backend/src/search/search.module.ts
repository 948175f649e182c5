import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { PlatformModule } from '../platform/platform.module';
import { SearchController } from './search.controller';
import { SearchRepository } from './search.repository';
import { SearchService } from './search.service';

/** GET /search: messages found through the blind index, confirmed on their decrypted text. */
@Module({
  imports: [PlatformModule, ConversationsModule],
  controllers: [SearchController],
  providers: [SearchRepository, SearchService],
})
export class SearchModule {}
