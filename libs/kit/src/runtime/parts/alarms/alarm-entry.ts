/** What must never happen, by the one who saw it. */
export type AlarmKind = 'equivocation' | 'gap' | 'head-mismatch' | 'witness-mismatch' | 'forged-control';

export interface Alarm {
  kind: AlarmKind;
  chain: string;
  /** The seq (or tree size) the finding is about, when it is about one. */
  seq?: string;
  detail: string;
}

/** The one shape of an alarm entry of `department`'s ledger (gov.<department>.alarm.raised.v1). */
export function alarmEntry(department: string, alarm: Alarm): { type: string; data: Record<string, string> } {
  return {
    type: `gov.${department}.alarm.raised.v1`,
    data: {
      kind: alarm.kind,
      chain: alarm.chain,
      ...(alarm.seq !== undefined ? { seq: alarm.seq } : {}),
      detail: alarm.detail.slice(0, 2000),
    },
  };
}
