export { enforce, proceed, type StartUpVerdict } from './start-up-verdict.js';
export { shardsMatchTopicPartitions, shardsMatchWrittenChains, unshardedChainIsOneShard } from './shard-guards.js';
export { ledgerNotBehindTopic } from './topic-ahead-guard.js';
export { checkWrittenChains, hasEntries } from './shard-guard-checks.js';
