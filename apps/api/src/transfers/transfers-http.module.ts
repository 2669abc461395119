import { Module } from '@nestjs/common';
import { AcdModule } from '@hotline/acd';
import { AuthModule } from '@hotline/auth';
import { CallControlClientModule } from '../call-control/call-control-client.module';
import { CallTransferCommandsService } from './call-transfer-commands.service';
import { CallServiceRatingController } from './call-service-rating.controller';
import { CallTransfersController } from './call-transfers.controller';
import { TransferDestinationRepository } from './transfer-destination.repository';
import { TransferDestinationsController } from './transfer-destinations.controller';
import { WorkOrderTransfersController } from './work-order-transfers.controller';

/** Agent transfers (issue 7) and the transfer allow-list over HTTP. Needs ConfigModule, DatabaseModule, RedisModule from the root. */
@Module({
  imports: [AcdModule, AuthModule, CallControlClientModule],
  controllers: [CallTransfersController, CallServiceRatingController, TransferDestinationsController, WorkOrderTransfersController],
  providers: [TransferDestinationRepository, CallTransferCommandsService],
})
export class TransfersHttpModule {}
