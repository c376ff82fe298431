/** Where and how RawTopicDump connects; the fields decide the security protocol. */
export interface RawReaderOptions {
  /** `host:port` of one or more brokers. */
  brokers: string[];
  /** SCRAM-SHA-512 credentials; without them the reader connects without SASL. */
  sasl?: { username: string; password: string };
  /** PEM file of the CA the brokers' certificates chain to; without it the reader connects without TLS. */
  caFile?: string;
  /** Bound on the whole dump, listing and reading (JVM start-up not counted); 30 s unless told. */
  timeoutMs?: number;
}

/** What a KafkaLauncher or a KafkaCluster tells its clients. */
export interface SecuredKafka {
  brokers: string;
  caFile: string | undefined;
  saslOf(username: string): { username: string; password: string } | undefined;
}

/** The reader's options for a user of a launched broker or cluster (its admin unless told). */
export function rawReaderOptionsOf(kafka: SecuredKafka, username = 'admin', timeoutMs?: number): RawReaderOptions {
  const sasl = kafka.saslOf(username);
  return {
    brokers: kafka.brokers.split(','),
    ...(sasl ? { sasl: { username: sasl.username, password: sasl.password } } : {}),
    ...(kafka.caFile ? { caFile: kafka.caFile } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/** A JAAS quoted string: the parser (StreamTokenizer) reads backslash escapes inside quotes. */
const jaasQuoted = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** The Java client properties of the options: SASL_SSL, SASL_PLAINTEXT, SSL or PLAINTEXT. */
export function clientPropertiesOf(options: RawReaderOptions): Record<string, string> {
  if (options.brokers.length === 0) throw new Error('the raw reader needs at least one broker');
  const protocol = `${options.sasl ? 'SASL_' : ''}${options.caFile ? 'SSL' : 'PLAINTEXT'}`;
  return {
    'bootstrap.servers': options.brokers.join(','),
    'security.protocol': protocol,
    ...(options.sasl
      ? {
          'sasl.mechanism': 'SCRAM-SHA-512',
          'sasl.jaas.config':
            'org.apache.kafka.common.security.scram.ScramLoginModule required ' +
            `username=${jaasQuoted(options.sasl.username)} password=${jaasQuoted(options.sasl.password)};`,
        }
      : {}),
    ...(options.caFile
      ? {
          'ssl.truststore.type': 'PEM',
          'ssl.truststore.location': options.caFile,
          // The client's default already: written down because the whole point is to trust only this CA's names.
          'ssl.endpoint.identification.algorithm': 'https',
        }
      : {}),
  };
}

/**
 * java.util.Properties text (Properties.load): every separator, comment mark,
 * space and backslash escaped, line breaks as escapes, so any value reads
 * back unchanged.
 */
export function propertiesText(properties: Record<string, string>): string {
  const escape = (text: string) =>
    text.replace(/[\\=:#! \t\n\r\f]/g, (c) => {
      switch (c) {
        case '\t':
          return '\\t';
        case '\n':
          return '\\n';
        case '\r':
          return '\\r';
        case '\f':
          return '\\f';
        default:
          return `\\${c}`;
      }
    });
  return Object.entries(properties)
    .map(([key, value]) => `${escape(key)}=${escape(value)}\n`)
    .join('');
}
