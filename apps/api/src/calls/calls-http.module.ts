import { Module } from '@nestjs/common';
import { AuthModule } from '@hotline/auth';
import { CallsReadModule } from '@hotline/calls';
import { CallsController } from './calls.controller';

@Module({
  imports: [CallsReadModule, AuthModule],
  controllers: [CallsController],
})
export class CallsHttpModule {}
