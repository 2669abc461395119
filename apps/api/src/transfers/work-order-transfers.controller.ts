import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, Roles } from '@hotline/auth';
import { Role } from '@hotline/org';
import { ZodPipe } from '../work-orders/zod-request';
import { TransferDestinationRepository } from './transfer-destination.repository';

/** The transfers of an order's calls (destination, times, outcome): the order's transfer trail, for the centre. */
@ApiTags('transfers')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('work-orders/:orderId/transfers')
export class WorkOrderTransfersController {
  constructor(private readonly trail: TransferDestinationRepository) {}

  @Get()
  @Roles(Role.Agent, Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'Transfers of the calls linked to the order' })
  @ApiParam({ name: 'orderId', format: 'uuid' })
  list(@Param('orderId', new ZodPipe(z.uuid())) orderId: string) {
    return this.trail.transfersOfOrder(orderId);
  }
}
