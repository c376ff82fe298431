// Hostname and certificate verification stay on everywhere, tests included (issue #25): a test that
// switched them off would prove a transport nobody runs. Trust the development CA instead (libs/testing/src/dev-ca).
export const TLS_VERIFICATION_OFF = [
  {
    selector: "Property[key.name='rejectUnauthorized'][value.value=false]",
    message: 'keep certificate verification on: trust the CA (KAFKA_SSL_CA_FILE, the development CA) instead',
  },
  {
    selector: "Property[key.name='checkServerIdentity']",
    message: 'keep Node’s hostname verification: give the certificate the right SAN instead',
  },
  {
    selector: "Identifier[name='NODE_TLS_REJECT_UNAUTHORIZED'], Literal[value='NODE_TLS_REJECT_UNAUTHORIZED']",
    message: 'NODE_TLS_REJECT_UNAUTHORIZED switches off every TLS check in the process: trust the CA instead',
  },
];
