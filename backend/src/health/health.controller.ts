import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { EventBus } from '../platform/bus/event-bus';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: EventBus,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary: 'Liveness and the state of each dependency',
    description: 'PostgreSQL always; Redis when REDIS_URL is set (while it is down, each instance still serves its own clients).',
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down' })
  check(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.db.pingCheck('database', { timeout: 2000 })];
    const bus = this.bus.health();
    if (bus.engine === 'redis') {
      checks.push(() => {
        const redis = this.indicators.check('redis');
        return bus.connected ? redis.up() : redis.down({ message: 'unreachable: real-time events reach this instance only' });
      });
    }
    return this.health.check(checks);
  }
}
