import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@hotline/config';
import { DatabaseModule } from '@hotline/database';
import { RedisModule } from '@hotline/redis';
import { CallsHttpModule } from './calls/calls-http.module';
import { EventsModule } from './events/events.module';
import { WorkOrdersHttpModule } from './work-orders/work-orders-http.module';
import { SurveysHttpModule } from './surveys/surveys-http.module';
import { RealtimeModule } from './realtime/realtime.module';
import { HealthModule } from './health/health.module';
import { RecordingsHttpModule } from './recordings/recordings-http.module';
import { IvrHttpModule } from './ivr/ivr-http.module';
import { AcdHttpModule } from './acd/acd-http.module';
import { TransfersHttpModule } from './transfers/transfers-http.module';
import { SupervisionHttpModule } from './supervision/supervision-http.module';
import { DomainErrorFilter } from './http/domain-error.filter';
import { HttpConnectionDrain } from './http/http-connection-drain';
import { MissingWebAppNotice, WebAppLocation, webAppStaticModule } from './web/web-app.static';

@Module({})
export class ApiModule {
  /** Built from an explicit, already validated config, so tests and the launcher can run the api in-process. */
  static forRoot(config: AppConfig, web: WebAppLocation): DynamicModule {
    const webProviders: Provider[] = web.built ? [] : [{ provide: MissingWebAppNotice, useFactory: () => new MissingWebAppNotice(web) }];
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forConfig(config),
        DatabaseModule,
        RedisModule,
        HealthModule,
        CallsHttpModule,
        EventsModule,
        WorkOrdersHttpModule,
        SurveysHttpModule,
        RecordingsHttpModule,
        IvrHttpModule,
        AcdHttpModule,
        TransfersHttpModule,
        SupervisionHttpModule,
        RealtimeModule,
        ...(web.built ? [webAppStaticModule(web)] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: DomainErrorFilter }, HttpConnectionDrain, ...webProviders],
    };
  }
}
