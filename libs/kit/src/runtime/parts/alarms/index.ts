export { alarmEntry, type Alarm, type AlarmKind } from './alarm-entry.js';
export { AlarmWriter } from './alarm-writer.js';
export { alarmOnQuarantine, reportQuarantine } from './quarantine-alarm.js';
