import type { CommandRunner } from '../../../commands/command-runner.js';
import { recordAggregate } from '../../../commands/record-aggregate.js';
import { alarmEntry, type Alarm } from './alarm-entry.js';

const alarmAggregate = recordAggregate('alarm');

/**
 * Writes alarm entries of one department's ledger: each once per
 * idempotency key (the same finding seen again is the same entry).
 */
export class AlarmWriter {
  constructor(
    private readonly department: string,
    private readonly commands: Pick<CommandRunner, 'run'>,
  ) {}

  async raise(alarm: Alarm, options: { actor: string; idempotencyKey: string }): Promise<void> {
    await this.commands.run(alarmAggregate, `alarm:${alarm.chain}`, alarmEntry(this.department, alarm), options);
  }
}
