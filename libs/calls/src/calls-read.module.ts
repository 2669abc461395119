import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallEntity, CallEventEntity } from '@hotline/database';
import { CallsQueryService } from './calls-query.service';

/** Needs the data source from DatabaseModule, imported once by the app. */
@Module({
  imports: [TypeOrmModule.forFeature([CallEntity, CallEventEntity])],
  providers: [CallsQueryService],
  exports: [CallsQueryService],
})
export class CallsReadModule {}
