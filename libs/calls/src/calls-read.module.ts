import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallEntity, CallEventEntity } from '@hotline/database';
import { CallLinksRepository } from './call-links.repository';
import { CallsQueryService } from './calls-query.service';

/** Needs the data source from DatabaseModule, imported once by the app. */
@Module({
  imports: [TypeOrmModule.forFeature([CallEntity, CallEventEntity])],
  providers: [CallsQueryService, CallLinksRepository],
  exports: [CallsQueryService],
})
export class CallsReadModule {}
