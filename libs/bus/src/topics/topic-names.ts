/** Topic names (DESIGN.md, "Names"). */
export const ledgerTopic = (department: string) => `gov.${department}.ledger`;
export const quarantineTopic = (department: string) => `gov.${department}.quarantine`;
export const requestsTopic = (department: string) => `gov.${department}.requests`;
export const repliesTopic = (department: string) => `gov.${department}.replies`;

/** `land` → partition 0; `land/3` → partition 3 (a shard is a partition). */
export function chainDestination(chain: string): { department: string; topic: string; partition: number } {
  const match = /^([a-z][a-z0-9-]*)(?:\/(\d+))?$/.exec(chain);
  if (!match) throw new Error(`'${chain}' is not a chain id (<dept> or <dept>/<shard>)`);
  const department = match[1]!;
  return { department, topic: ledgerTopic(department), partition: match[2] === undefined ? 0 : Number(match[2]) };
}

/** The chain a (ledger topic, partition) carries: partition 0 of an unsharded ledger is the chain `<dept>`. */
export function chainOf(topic: string, partition: number, sharded = false): string {
  const match = /^gov\.([a-z][a-z0-9-]*)\.ledger$/.exec(topic);
  if (!match) throw new Error(`'${topic}' is not a ledger topic`);
  return sharded ? `${match[1]}/${partition}` : match[1]!;
}
