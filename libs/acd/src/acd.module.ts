import { Module } from '@nestjs/common';
import { AcdAdminRepository } from './acd-admin.repository';

/** The ACD's configuration and reports for the api. Needs the data source (DatabaseModule) from the app. */
@Module({ providers: [AcdAdminRepository], exports: [AcdAdminRepository] })
export class AcdModule {}
