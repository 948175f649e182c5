import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { AuthModule } from '../auth/auth.module';
import { ConversationsModule } from '../conversations/conversations.module';
import { PlatformModule } from '../platform/platform.module';
import { UsersModule } from '../users/users.module';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';

/** The account as a whole: password change, deletion, export. */
@Module({
  imports: [PlatformModule, AuthModule, UsersModule, ConversationsModule, AttachmentsModule],
  controllers: [AccountsController],
  providers: [AccountsService],
})
export class AccountsModule {}
