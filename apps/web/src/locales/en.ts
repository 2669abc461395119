import type { MessageSchema } from './zh-CN';
import desk from './en.desk';

const en: MessageSchema = {
  ...desk,
  app: {
    title: '12345 Government Service Hotline · System Status',
    shortTitle: '12345 Hotline',
    language: 'Language',
  },
  live: {
    connecting: 'Connecting to live events',
    live: 'Live',
    reconnecting: 'Live connection lost, reconnecting',
  },
  health: {
    title: 'Components',
    checkedAt: 'Checked at {time}',
    refresh: 'Check now',
    unreachable: 'Cannot reach the server: {reason}',
    up: 'Up',
    down: 'Down',
    unknown: 'Unknown',
    latency: 'Answered in {ms} ms',
    version: 'Version {version}',
    components: {
      postgres: { name: 'PostgreSQL', role: 'Records database' },
      redis: { name: 'Redis', role: 'Live state and events' },
      ari: { name: 'Asterisk ARI', role: 'Call control interface' },
      ami: { name: 'Asterisk AMI', role: 'Manager interface' },
    },
  },
  calls: {
    loginToSee: 'Call records hold personal data: log in to see them',
    title: 'Latest calls',
    count: '{count} calls',
    empty: 'No calls yet',
    loadFailed: 'Could not load calls: {reason}',
    columns: {
      caller: 'Caller',
      dialed: 'Dialled',
      status: 'Status',
      startedAt: 'Started',
      duration: 'Duration',
      hangupCause: 'Hangup cause',
    },
    unknownCaller: 'Withheld',
    ongoing: 'Ongoing',
    status: {
      ringing: 'Ringing',
      answered: 'In call',
      ended: 'Ended',
    },
  },
  timeline: {
    title: 'Call events',
    empty: 'No events',
    started: 'Call in: {caller} → {dialed}',
    answered: 'Answered',
    dtmf: 'Pressed {digit}',
    ended: 'Call ended: {cause}',
    other: 'Event {type}',
  },
  hangupCause: {
    '1': 'Unallocated number',
    '16': 'Normal clearing',
    '17': 'User busy',
    '18': 'No user responding',
    '19': 'No answer',
    '21': 'Call rejected',
    '27': 'Destination out of order',
    '28': 'Invalid number format',
    '31': 'Normal, unspecified',
    '34': 'No circuit available',
    '38': 'Network out of order',
    '41': 'Temporary failure',
    '102': 'Timer expired',
    '127': 'Interworking error',
    unknown: 'Unknown cause',
  },
  notFound: {
    title: 'Page not found',
    description: 'There is nothing at {path}.',
    back: 'Back to system status',
  },
};

export default en;
