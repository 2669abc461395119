import { Module } from '@nestjs/common';
import { RecordingAccessAuditRepository } from './recording-access-audit.repository';
import { RecordingRepository } from './recording.repository';
import { RecordingStore } from './recording.store';
import { RecordingsReadService } from './recordings-read.service';

/** Needs APP_CONFIG (ConfigModule) and the data source (DatabaseModule) from the app. */
@Module({
  providers: [RecordingAccessAuditRepository, RecordingRepository, RecordingStore, RecordingsReadService],
  exports: [RecordingRepository, RecordingStore, RecordingsReadService],
})
export class RecordingsModule {}
