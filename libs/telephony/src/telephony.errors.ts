export enum TelephonyErrorCode {
  AriNotConnected = 'ARI_NOT_CONNECTED',
  AriRequestFailed = 'ARI_REQUEST_FAILED',
  AmiNotConnected = 'AMI_NOT_CONNECTED',
  AmiActionFailed = 'AMI_ACTION_FAILED',
}

export class TelephonyError extends Error {
  constructor(readonly code: TelephonyErrorCode, message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'TelephonyError';
  }
}

/** ari-client rejects with assorted shapes (Error, swagger response objects); make them readable. */
export function describeAriFailure(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const response = error as { status?: number; statusText?: string; data?: unknown; message?: string };
    if (response.message) return response.message;
    if (response.status) return `HTTP ${response.status} ${response.statusText ?? ''} ${JSON.stringify(response.data ?? '')}`.trim();
  }
  return String(error);
}

/**
 * ARI answers 404 for a channel that hung up a moment ago, or a bridge already destroyed: the thing is gone,
 * which is the end of a call (or the goal of a hangup), not a fault.
 */
export function isAriResourceGone(error: unknown): boolean {
  return error instanceof TelephonyError && /404|not found/i.test(error.message);
}
