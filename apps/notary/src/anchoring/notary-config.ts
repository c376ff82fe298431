import { loadConfig, variables } from '@registry-bus/config';
import { z } from 'zod';
import { DEPARTMENT_PATTERN } from '@registry-bus/protocol';
import { checkpointOriginPrefix, departmentUrls } from '@registry-bus/kit';

/** The notary's own settings, beside every department's (README, "Configuration"). */
export const notaryConfigSchema = z
  .object({
    /** Where to fetch each department's signed head: `land=http://127.0.0.1:3001,credit=…`. */
    NOTARY_DEPARTMENT_URLS: departmentUrls,
    /** The checkpoints' origins, `<prefix>/<chain>`: the same variable every department witnesses under. */
    CHECKPOINT_ORIGIN_PREFIX: checkpointOriginPrefix,
    /**
     * Push each new checkpoint to the witnesses (every department in
     * NOTARY_DEPARTMENT_URLS but the chain's owner) and gather their
     * cosignatures, per C2SP tlog-witness. Off, the notary still serves its
     * checkpoints; receipts then rest on the followers' cosignature entries.
     */
    NOTARY_CHECKPOINT_WITNESSING: variables.boolean(true),
    NOTARY_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
    NOTARY_ANCHOR_EVERY_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(1000),
    /**
     * On a broker with users and ACLs: the broker admin's credentials, with
     * which the notary keeps the ACLs in step with the grants (both or none).
     */
    NOTARY_BROKER_ADMIN_USERNAME: z.string().trim().min(1).optional(),
    NOTARY_BROKER_ADMIN_PASSWORD: z.string().min(1).optional(),
    /** The departments that have broker users. */
    NOTARY_BROKER_DEPARTMENTS: z
      .string()
      .default('land,diploma,court,credit,bond,notary')
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(DEPARTMENT_PATTERN, 'must be department ids')).min(1)),
  })
  .superRefine((config, context) => {
    if ((config.NOTARY_BROKER_ADMIN_USERNAME === undefined) !== (config.NOTARY_BROKER_ADMIN_PASSWORD === undefined)) {
      const missing =
        config.NOTARY_BROKER_ADMIN_USERNAME === undefined
          ? 'NOTARY_BROKER_ADMIN_USERNAME'
          : 'NOTARY_BROKER_ADMIN_PASSWORD';
      context.addIssue({
        code: 'custom',
        path: [missing],
        message: 'is required when the other NOTARY_BROKER_ADMIN_ variable is set',
      });
    }
  });

export type NotaryConfig = z.infer<typeof notaryConfigSchema>;

export const loadNotaryConfig = (env?: Record<string, string | undefined>) => loadConfig(notaryConfigSchema, env);
