import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { AmiManagerAdapter } from './ami/ami-manager.adapter';
import { AMI_GATEWAY } from './ami/ami.gateway';
import { AriClientAdapter } from './ari/ari-client.adapter';
import { ARI_GATEWAY } from './ari/ari.gateway';

@Injectable()
class TelephonyShutdown implements OnApplicationShutdown {
  constructor(@Inject(ARI_GATEWAY) private readonly ari: AriClientAdapter, @Inject(AMI_GATEWAY) private readonly ami: AmiManagerAdapter) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.ari.stop(), this.ami.stop()]);
  }
}

/** The live ARI and AMI connections of call-control. Connecting is started by the app, not on import. */
@Global()
@Module({
  providers: [
    {
      provide: ARI_GATEWAY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new AriClientAdapter({ url: config.ARI_URL, username: config.ARI_USERNAME, password: config.ARI_PASSWORD, app: config.ARI_APP }),
    },
    {
      provide: AMI_GATEWAY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new AmiManagerAdapter({ host: config.AMI_HOST, port: config.AMI_PORT, username: config.AMI_USERNAME, password: config.AMI_PASSWORD }),
    },
    TelephonyShutdown,
  ],
  exports: [ARI_GATEWAY, AMI_GATEWAY],
})
export class TelephonyModule {}
