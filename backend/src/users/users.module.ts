import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformModule } from '../platform/platform.module';
import { PresenceModule } from '../presence/presence.module';
import { User } from './user.entity';
import { BlocksRepository } from './blocks.repository';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), PlatformModule, PresenceModule],
  controllers: [UsersController],
  providers: [UsersRepository, BlocksRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
