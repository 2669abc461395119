import { Body, Controller, Get, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { Actor, Role } from '@hotline/org';
import { openApi, ZodPipe } from '../work-orders/zod-request';
import { TransferDestinationRepository } from './transfer-destination.repository';
import { DestinationBody, destinationBodySchema } from './transfer.schemas';

/** The transfer allow-list (emergency lines, handling units): everyone on calls reads it, admins edit it. */
@ApiTags('transfers')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('transfer-destinations')
export class TransferDestinationsController {
  constructor(private readonly destinations: TransferDestinationRepository) {}

  @Get()
  @Roles(Role.Agent, Role.Supervisor, Role.Admin)
  @ApiOperation({ summary: 'The allow-list: where calls may be transferred (IVR transfer nodes and agents)' })
  list() {
    return this.destinations.list();
  }

  @Post()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Add a destination (3-15 digits)' })
  @ApiBody({ schema: openApi(destinationBodySchema) })
  create(@Body(new ZodPipe(destinationBodySchema)) body: DestinationBody, @CurrentActor() actor: Actor) {
    return this.destinations.create(body, actor.username);
  }

  @Put(':id')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Change or deactivate a destination' })
  @ApiBody({ schema: openApi(destinationBodySchema) })
  update(@Param('id', new ZodPipe(z.uuid())) id: string, @Body(new ZodPipe(destinationBodySchema)) body: DestinationBody, @CurrentActor() actor: Actor) {
    return this.destinations.update(id, body, actor.username);
  }
}
