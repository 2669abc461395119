import { Module } from '@nestjs/common';
import { AuthModule } from '@hotline/auth';
import { CallControlClientModule } from '../call-control/call-control-client.module';
import { SupervisionCommandsService } from './supervision-commands.service';
import { SupervisionController } from './supervision.controller';
import { SupervisionRepository } from './supervision.repository';

/** Supervision over HTTP (issue 7): commands to call-control, scope and audit from Postgres. */
@Module({
  imports: [AuthModule, CallControlClientModule],
  controllers: [SupervisionController],
  providers: [SupervisionRepository, SupervisionCommandsService],
})
export class SupervisionHttpModule {}
