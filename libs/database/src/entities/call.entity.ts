import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CallEventEntity } from './call-event.entity';

export type CallStatus = 'ringing' | 'answered' | 'ended';

@Entity({ name: 'calls' })
export class CallEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Asterisk's channel id of the caller's leg: unique, so a re-delivered StasisStart cannot duplicate a call. */
  @Column({ name: 'channel_id', type: 'text', unique: true })
  channelId!: string;

  @Column({ type: 'text' })
  direction!: 'inbound' | 'outbound';

  @Column({ name: 'caller_number', type: 'text', nullable: true })
  callerNumber!: string | null;

  @Column({ name: 'dialed_number', type: 'text' })
  dialedNumber!: string;

  @Column({ type: 'text' })
  status!: CallStatus;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'hangup_cause', type: 'integer', nullable: true })
  hangupCause!: number | null;

  @Column({ name: 'hangup_cause_text', type: 'text', nullable: true })
  hangupCauseText!: string | null;

  @Column({ name: 'last_sequence', type: 'integer', default: 0 })
  lastSequence!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany('CallEventEntity', (event: CallEventEntity) => event.call)
  events?: CallEventEntity[];
}
