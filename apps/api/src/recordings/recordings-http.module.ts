import { Module } from '@nestjs/common';
import { AuthModule } from '@hotline/auth';
import { RecordingsModule } from '@hotline/recordings';
import { CallControlClientModule } from '../call-control/call-control-client.module';
import { RecordingCommandsService } from './recording-commands.service';
import { RecordingControlController } from './recording-control.controller';
import { RecordingsController } from './recordings.controller';

/** Recordings over HTTP: metadata, audio with range requests, pause/resume. Needs ConfigModule, DatabaseModule, RedisModule from the root. */
@Module({
  imports: [RecordingsModule, AuthModule, CallControlClientModule],
  controllers: [RecordingsController, RecordingControlController],
  providers: [RecordingCommandsService],
})
export class RecordingsHttpModule {}
