import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PresenceModule } from '../presence/presence.module';
import { User } from './user.entity';
import { BlocksRepository } from './blocks.repository';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), PresenceModule],
  controllers: [UsersController],
  providers: [UsersRepository, BlocksRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
