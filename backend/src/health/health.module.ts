import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PlatformModule } from '../platform/platform.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), PlatformModule],
  controllers: [HealthController],
})
export class HealthModule {}
