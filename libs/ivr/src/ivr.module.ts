import { Module } from '@nestjs/common';
import { CallerListRepository } from './caller-list.repository';
import { HotlineLineRepository } from './hotline-line.repository';
import { IvrFlowAdminService } from './ivr-flow-admin.service';
import { IvrFlowRepository } from './ivr-flow.repository';
import { LineAdminService } from './line-admin.service';

/** IVR flows, lines and caller lists. Needs the data source (DatabaseModule) from the app. */
@Module({
  providers: [IvrFlowRepository, IvrFlowAdminService, HotlineLineRepository, CallerListRepository, LineAdminService],
  exports: [IvrFlowRepository, IvrFlowAdminService, HotlineLineRepository, CallerListRepository, LineAdminService],
})
export class IvrModule {}
