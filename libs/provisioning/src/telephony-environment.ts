/** The ARI/AMI endpoint facts an app needs, whether npm start provisioned Asterisk or was given one. */
export interface TelephonyEndpoint {
  ariUrl: string;
  ariUsername: string;
  ariPassword: string;
  amiHost: string;
  amiPort: number;
  amiUsername: string;
  amiPassword: string;
}

/** The same endpoint as the environment variables the apps' validated config reads. */
export function telephonyEnvironment(endpoint: TelephonyEndpoint, ariApp: string): Record<string, string> {
  return {
    ARI_URL: endpoint.ariUrl,
    ARI_USERNAME: endpoint.ariUsername,
    ARI_PASSWORD: endpoint.ariPassword,
    ARI_APP: ariApp,
    AMI_HOST: endpoint.amiHost,
    AMI_PORT: String(endpoint.amiPort),
    AMI_USERNAME: endpoint.amiUsername,
    AMI_PASSWORD: endpoint.amiPassword,
  };
}
