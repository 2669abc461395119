import { pipeline } from 'node:stream/promises';
import { Controller, Get, Headers, Logger, Param, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthGuard, CurrentActor, Roles } from '@hotline/auth';
import { Actor, Role } from '@hotline/org';
import { RecordingsReadService } from '@hotline/recordings';
import { openApi } from '../work-orders/zod-request';
import { recordingResponseSchema, RecordingResponse, toRecordingResponse } from './recording.response';

interface AudioResponse {
  status(code: number): AudioResponse;
  setHeader(name: string, value: string | number): void;
  end(): void;
}

/** Who may listen to citizens' calls: quality review, supervisors, administrators (never unit staff). */
const LISTENERS = [Role.Quality, Role.Supervisor, Role.Admin];

/** Thin: authorise, call the read service, present. Streaming and range rules live in libs/recordings. */
@ApiTags('recordings')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller()
export class RecordingsController {
  private readonly logger = new Logger(RecordingsController.name);

  constructor(private readonly recordings: RecordingsReadService) {}

  @Get('calls/:callId/recordings')
  @Roles(...LISTENERS, Role.Agent)
  @ApiOperation({ summary: "A call's recordings (the whole call; messages the caller left)" })
  @ApiParam({ name: 'callId', format: 'uuid' })
  @ApiOkResponse({ schema: { type: 'array', items: openApi(recordingResponseSchema) } })
  async listForCall(@Param('callId') callId: string): Promise<RecordingResponse[]> {
    return (await this.recordings.listForCall(callId)).map(toRecordingResponse);
  }

  @Get('recordings/:id')
  @Roles(...LISTENERS, Role.Agent)
  @ApiOperation({ summary: 'One recording: status, duration, size, SHA-256' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: openApi(recordingResponseSchema) })
  async get(@Param('id') id: string): Promise<RecordingResponse> {
    return toRecordingResponse(await this.recordings.get(id));
  }

  @Get('recordings/:id/audio')
  @Roles(...LISTENERS)
  @ApiOperation({ summary: 'The audio (WAV), with HTTP range requests (206 Partial Content, 416)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('audio/wav')
  @ApiResponse({ status: 200, description: 'The whole file' })
  @ApiResponse({ status: 206, description: 'The requested byte range' })
  @ApiResponse({ status: 416, description: 'The range lies outside the file' })
  async audio(@Param('id') id: string, @Headers('range') range: string | undefined, @CurrentActor() actor: Actor, @Res() response: AudioResponse): Promise<void> {
    const audio = await this.recordings.openAudio(id, range, { userId: actor.userId, username: actor.username });
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Content-Type', 'audio/wav');
    // Recordings are personal data: no shared cache may keep a copy.
    response.setHeader('Cache-Control', 'private, no-store');
    if (audio.recording.sha256) response.setHeader('ETag', `"${audio.recording.sha256}"`);
    const decision = audio.range;
    if (decision.kind === 'unsatisfiable') {
      response.setHeader('Content-Range', `bytes */${decision.size}`);
      response.status(416).end();
      return;
    }
    if (decision.kind === 'partial') {
      response.setHeader('Content-Range', `bytes ${decision.start}-${decision.end}/${decision.size}`);
      response.setHeader('Content-Length', decision.end - decision.start + 1);
      response.status(206);
    } else {
      response.setHeader('Content-Length', decision.size);
      response.status(200);
    }
    try {
      await pipeline(audio.body!, response as unknown as NodeJS.WritableStream);
    } catch (error) {
      // A player that seeks closes its connection mid-file and asks for the next range: routine, not a fault.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
      this.logger.debug(`Client stopped reading recording ${id}`);
    }
  }
}
