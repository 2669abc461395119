import { Module } from '@nestjs/common';
import { AuthModule } from '@hotline/auth';
import { SurveysModule } from '@hotline/surveys';
import { SurveysController } from './surveys.controller';

/** The HTTP face of the survey context; ApiModule mounts it. */
@Module({
  imports: [SurveysModule, AuthModule],
  controllers: [SurveysController],
})
export class SurveysHttpModule {}
