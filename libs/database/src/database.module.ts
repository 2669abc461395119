import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { runMigrations } from './migration.runner';
import { dataSourceOptions, withoutQueryBound } from './data-source.factory';
import { DataSource } from 'typeorm';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions(config.DATABASE_URL, { queryMs: config.DATABASE_QUERY_TIMEOUT_MS, connectMs: config.DATABASE_CONNECT_TIMEOUT_MS }),
      // Migrations run on every start, before any repository is used, on a connection of their own without the
      // query timeout: building an index on a large table may take longer than any query of the running product.
      dataSourceFactory: async (options) => {
        const migrating = await new DataSource(withoutQueryBound(options!)).initialize();
        try {
          await runMigrations(migrating);
        } finally {
          await migrating.destroy();
        }
        return new DataSource(options!).initialize();
      },
    }),
  ],
  exports: [TypeOrmModule],
})
export class DatabaseModule {}
