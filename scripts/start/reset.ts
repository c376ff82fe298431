// `npm run reset`: wipes the local stack — its Kafka data and its databases —
// together, so the next `npm start` begins from nothing in step.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { parseStrictJson } from '@registry-bus/protocol';
import {
  CLUSTER_FILE,
  KafkaCluster,
  KafkaLauncher,
  LOCAL_POSTGRES_ADMIN_URL,
  dropByPrefix,
} from '@registry-bus/testing';

import { KAFKA_DIR, LOCAL_DIR, databasePrefix, loadStackIdentity, runningStackPid } from './local-stack.js';

const running = runningStackPid();
if (running) {
  console.error(`the local stack is running (pid ${running}); stop it with Ctrl-C before npm run reset`);
  process.exit(1);
}
const identity = loadStackIdentity();
// One broker (npm start) or a cluster (npm start -- --brokers <n>): whichever made .local/kafka.
const clusterFile = join(KAFKA_DIR, CLUSTER_FILE);
if (existsSync(clusterFile)) {
  const { brokers } = parseStrictJson(readFileSync(clusterFile, 'utf8'), clusterFile) as { brokers: number };
  await new KafkaCluster({ dir: KAFKA_DIR, brokers }).stop({ graceMs: 5000 });
} else {
  await new KafkaLauncher({ dir: KAFKA_DIR }).stop({ graceMs: 5000 });
}
if (identity) {
  const adminUrl = process.env.DATABASE_URL?.trim() || LOCAL_POSTGRES_ADMIN_URL;
  const dropped = await dropByPrefix(adminUrl, databasePrefix(identity.stackId));
  console.log(dropped.length > 0 ? `dropped databases: ${dropped.join(', ')}` : 'no databases to drop');
}
rmSync(LOCAL_DIR, { recursive: true, force: true });
console.log(`removed ${LOCAL_DIR}`);
