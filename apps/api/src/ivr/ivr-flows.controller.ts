import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { IvrFlowAdminService, ivrFlowDocumentSchema, minKeyPressesToQueue } from '@hotline/ivr';
import { Actor, Role } from '@hotline/org';
import { openApi, ZodPipe } from '../work-orders/zod-request';
import { flowDocumentBodySchema, flowNameSchema, rollbackBodySchema, versionSchema } from './ivr.schemas';
import { CallControlReloader } from './live-reload';

const documentBody = { schema: { type: 'object', properties: { document: openApi(ivrFlowDocumentSchema) }, required: ['document'] } };

/** IVR flows as versioned data: validate, save a version, publish, roll back (all without restarting anything). */
@ApiTags('ivr')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Roles(Role.Admin)
@Controller('ivr/flows')
export class IvrFlowsController {
  constructor(private readonly flows: IvrFlowAdminService, private readonly reloader: CallControlReloader) {}

  @Get()
  @ApiOperation({ summary: 'Flows with their published and latest versions' })
  list() {
    return this.flows.list();
  }

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a flow document without saving it: errors and warnings with their paths, keys to reach a person' })
  @ApiBody(documentBody)
  validate(@Body(new ZodPipe(flowDocumentBodySchema)) body: z.output<typeof flowDocumentBodySchema>) {
    const result = this.flows.validate(body.document);
    return result.ok ? { ok: true, warnings: result.warnings, minKeyPressesToQueue: minKeyPressesToQueue(result.flow) } : { ok: false, issues: result.issues };
  }

  @Get(':name/versions')
  @ApiOperation({ summary: "All versions of a flow, the published one marked" })
  @ApiParam({ name: 'name' })
  versions(@Param('name', new ZodPipe(flowNameSchema)) name: string) {
    return this.flows.versions(name);
  }

  @Post(':name/versions')
  @ApiOperation({ summary: 'Save a new version (refused with 400 and the path of each error if it does not validate)' })
  @ApiParam({ name: 'name' })
  @ApiBody(documentBody)
  createVersion(@Param('name', new ZodPipe(flowNameSchema)) name: string, @Body(new ZodPipe(flowDocumentBodySchema)) body: z.output<typeof flowDocumentBodySchema>, @CurrentActor() actor: Actor) {
    return this.flows.createVersion(name, body.document, actor.username);
  }

  @Post(':name/versions/:version/publish')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish a version: new calls use it at once (call-control reloads on the command)' })
  @ApiParam({ name: 'name' })
  @ApiParam({ name: 'version' })
  async publish(@Param('name', new ZodPipe(flowNameSchema)) name: string, @Param('version', new ZodPipe(versionSchema)) version: number, @CurrentActor() actor: Actor) {
    const published = await this.flows.publish(name, version, actor.username);
    return { ...published, liveReload: await this.reloader.reload('ivr-flows', actor.username) };
  }

  @Post(':name/rollback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish the previously published version again (or `toVersion`)' })
  @ApiParam({ name: 'name' })
  @ApiBody({ schema: openApi(rollbackBodySchema) })
  async rollback(@Param('name', new ZodPipe(flowNameSchema)) name: string, @Body(new ZodPipe(rollbackBodySchema)) body: z.output<typeof rollbackBodySchema>, @CurrentActor() actor: Actor) {
    const published = await this.flows.rollback(name, actor.username, body.toVersion);
    return { ...published, liveReload: await this.reloader.reload('ivr-flows', actor.username) };
  }
}
