import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { EventBus } from '../platform/bus/event-bus';

class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

/**
 * `/health` (API.md): every dependency. `/health/live`: the process answers, whatever its
 * dependencies do — a liveness probe that restarted replicas while Redis is down would kill
 * them all. `/health/ready`: whether to send it traffic (dependencies up, not draining).
 */
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
    return this.dependencies();
  }

  @Get('live')
  @ApiOperation({
    summary: 'Liveness: the process is up and answering',
    description: 'Never checks PostgreSQL or Redis, and answers while the instance drains: for a probe that restarts a stuck process.',
  })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: whether to send this instance traffic',
    description: 'PostgreSQL, and Redis when REDIS_URL is set, as for /health; 503 while the instance is draining (shutting down).',
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down, or the instance is draining' })
  ready(): Promise<HealthCheckResult> {
    // While draining, the request never gets here: app.factory answers it 503.
    return this.dependencies();
  }

  private dependencies(): Promise<HealthCheckResult> {
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
