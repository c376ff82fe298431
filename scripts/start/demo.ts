import { Kafka, logLevel } from 'kafkajs';

export interface DemoContext {
  brokers: string[];
  apps: Array<{ name: string; url: string }>;
  print: (line: string) => void;
}

/**
 * Shows the stack working. It grows with the registers: each department
 * issue adds its scenario here (see the README's "What npm start shows").
 */
export async function runDemo(context: DemoContext): Promise<void> {
  const kafka = new Kafka({ clientId: 'registry-bus-demo', brokers: context.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith('__')).sort();
    context.print(
      `\ndemo: kafka cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), topics: ${topics.join(', ') || 'none yet'}`,
    );
  } finally {
    await admin.disconnect();
  }
}
