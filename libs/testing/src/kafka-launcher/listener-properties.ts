/** Where a secured node finds its TLS material (PEM files of the development CA). */
export interface NodeTls {
  /** The CA certificate every side trusts. */
  caFile: string;
  /** The node's key and certificate (CN `kafka-node`) in one PEM file. */
  keystoreFile: string;
}

/** The certificate name of every broker and controller: also its principal (`User:kafka-node`). */
export const NODE_PRINCIPAL = 'kafka-node';

/**
 * The listener and security properties of one node. Without security: the
 * plaintext development broker. With it (what `npm start` and the secured
 * tests run):
 * - clients on SASL_SSL with SCRAM-SHA-512, hostname verification on;
 * - brokers replicate on SASL_SSL as the admin (SCRAM credentials set when
 *   the storage is formatted, `--add-scram`);
 * - the controller listener is SSL with client certificates required, the
 *   principal read from the certificate's CN: only a holder of a node
 *   certificate of the CA talks to a controller (SCRAM is not dependable
 *   there on KRaft);
 * - super users are the admin and the nodes, never ANONYMOUS.
 */
export function listenerProperties(
  node: { brokerPort: number; controllerPort?: number },
  /** The broker's users (only the admin matters here: brokers replicate as it); undefined: no security. */
  security: { admin: { username: string; password: string } } | undefined,
  tls: NodeTls | undefined,
): Record<string, string> {
  const controller = node.controllerPort !== undefined ? `,CONTROLLER://127.0.0.1:${node.controllerPort}` : '';
  if (!security) {
    return {
      listeners: `PLAINTEXT://127.0.0.1:${node.brokerPort}${controller}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.brokerPort}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'PLAINTEXT',
      'controller.listener.names': 'CONTROLLER',
    };
  }
  if (!tls) throw new Error('a secured Kafka node needs its TLS material (the development CA)');
  const { admin } = security;
  return {
    listeners: `SASL_SSL://127.0.0.1:${node.brokerPort}${controller}`,
    'advertised.listeners': `SASL_SSL://127.0.0.1:${node.brokerPort}`,
    'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,CONTROLLER:SSL',
    'inter.broker.listener.name': 'SASL_SSL',
    'controller.listener.names': 'CONTROLLER',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.username}" password="${admin.password}";`,
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': tls.keystoreFile,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': tls.caFile,
    'ssl.endpoint.identification.algorithm': 'https',
    'listener.name.controller.ssl.client.auth': 'required',
    'ssl.principal.mapping.rules': 'RULE:^CN=([a-z0-9.-]+)$/$1/,DEFAULT',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${admin.username};User:${NODE_PRINCIPAL}`,
    'allow.everyone.if.no.acl.found': 'false',
  };
}
