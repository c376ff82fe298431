/** What a start-up guard says: go on, or refuse with a reason that names the way out. */
export type StartUpVerdict = { ok: true } | { ok: false; reason: string };

export const proceed: StartUpVerdict = { ok: true };

/** Throws the refusal's reason as it is (operators and tests read it word for word). */
export function enforce(verdict: StartUpVerdict): void {
  if (!verdict.ok) throw new Error(verdict.reason);
}
