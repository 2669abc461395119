import { ApiProperty } from '@nestjs/swagger';
import type { CallDirectionDto, CallEventDto, CallLinkedOrderDto, CallListDto, CallStatusDto, CallSummaryDto } from '@hotline/contracts';

/** OpenAPI descriptions of the shared contracts; `implements` keeps them from drifting apart. */
export class CallEventResponse implements CallEventDto {
  @ApiProperty({ example: '42', description: 'Row id (a bigint, as a string)' })
  id!: string;

  @ApiProperty({ example: 1, description: 'Position in the timeline, from 1' })
  sequence!: number;

  @ApiProperty({ example: 'call.dtmf', description: 'call.started, call.answered, call.dtmf, call.ended, ...' })
  type!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { digit: '1', index: 1 } })
  payload!: Record<string, unknown>;
}

export class CallLinkedOrderResponse implements CallLinkedOrderDto {
  @ApiProperty({ format: 'uuid', description: 'Open with GET /api/work-orders/{id}' })
  id!: string;

  @ApiProperty({ example: '2026112300001' })
  number!: string;

  @ApiProperty({ example: 'handling' })
  status!: string;

  @ApiProperty({ example: '小区噪声扰民' })
  subject!: string;

  @ApiProperty({ format: 'date-time' })
  linkedAt!: string;
}

export class CallSummaryResponse implements CallSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: '1732350000.17', description: "Asterisk's channel id of the caller's leg" })
  channelId!: string;

  @ApiProperty({ enum: ['inbound', 'outbound'] })
  direction!: CallDirectionDto;

  @ApiProperty({ type: String, nullable: true, example: '13800138000', description: 'Caller ID, when the network gave one' })
  callerNumber!: string | null;

  @ApiProperty({ example: '12345', description: 'The number dialled (DNIS)' })
  dialedNumber!: string;

  @ApiProperty({ enum: ['ringing', 'answered', 'ended'] })
  status!: CallStatusDto;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  answeredAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 65000, description: 'Start to end in ms; null while the call is up' })
  durationMs!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 16, description: 'Q.850 hangup cause' })
  hangupCause!: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'Normal Clearing' })
  hangupCauseText!: string | null;

  @ApiProperty({ type: [CallEventResponse], description: 'The timeline, ordered by sequence' })
  events!: CallEventResponse[];

  @ApiProperty({ type: [CallLinkedOrderResponse], description: 'Work orders the call is linked to: attached when the agent answered, or filed from its draft' })
  linkedOrders!: CallLinkedOrderResponse[];

  @ApiProperty({ type: String, nullable: true, example: 'agent-01', description: 'The ACD agent who answered the call' })
  agentId!: string | null;
}

export class CallListResponse implements CallListDto {
  @ApiProperty({ type: [CallSummaryResponse], description: 'Newest first' })
  items!: CallSummaryResponse[];

  @ApiProperty({ example: 20, description: 'The limit applied' })
  limit!: number;
}
