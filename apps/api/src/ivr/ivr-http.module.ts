import { Module } from '@nestjs/common';
import { AuthModule } from '@hotline/auth';
import { IvrModule } from '@hotline/ivr';
import { CallControlClientModule } from '../call-control/call-control-client.module';
import { CallerListsController } from './caller-lists.controller';
import { IvrFlowsController } from './ivr-flows.controller';
import { LinesController } from './lines.controller';
import { CallControlReloader } from './live-reload';

/** IVR flows, lines and caller lists over HTTP. Needs ConfigModule, DatabaseModule, RedisModule from the root. */
@Module({
  imports: [IvrModule, AuthModule, CallControlClientModule],
  controllers: [IvrFlowsController, LinesController, CallerListsController],
  providers: [CallControlReloader],
})
export class IvrHttpModule {}
