import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { dataSourceOptions, type DatabaseTimeouts } from './data-source-options';
import { migrate } from '../platform/database/migrate';

export interface DatabaseOptions extends DatabaseTimeouts {
  url: string;
  poolSize?: number;
  /** Observes every query (tests count them). */
  logger?: TypeOrmLogger;
}

/** TypeORM on PostgreSQL; pending migrations are applied before the app serves anything. */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(options.url, options.poolSize, options),
            ...(options.logger ? { logger: options.logger, logging: true } : {}),
          }),
          dataSourceFactory: async (opts) => {
            const dataSource = await new DataSource(opts!).initialize();
            await migrate(dataSource);
            return dataSource;
          },
        }),
      ],
    };
  }
}
