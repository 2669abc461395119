import { Module } from '@nestjs/common';
import { CallsReadModule } from '@hotline/calls';
import { CallsController } from './calls.controller';

@Module({
  imports: [CallsReadModule],
  controllers: [CallsController],
})
export class CallsHttpModule {}
