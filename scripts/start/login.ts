// `npm run login -- <user> [--no-mfa]`: signs a development user in at the OpenID provider `npm start`
// runs (authorization code + PKCE, the provider's sign-in form answered for you) and prints the access
// token for that user's register, for `curl -H "Authorization: Bearer …"` or Swagger UI's "Authorize".
import { existsSync, readFileSync } from 'node:fs';

import { parseStrictJson } from '@registry-bus/protocol';
import { signInAsDevUser } from '@registry-bus/testing';

import { IDENTITY_PROVIDER_FILE, devAudience, runningStackPid, trustLocalApps } from './local-stack.js';

const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(64);
};

async function main(): Promise<void> {
  if (!runningStackPid() || !existsSync(IDENTITY_PROVIDER_FILE))
    fail('the local stack is not running: start it with npm start, then npm run login -- <user>');
  const { issuer, users } = parseStrictJson(readFileSync(IDENTITY_PROVIDER_FILE, 'utf8'), IDENTITY_PROVIDER_FILE) as {
    issuer: string;
    users: string[];
  };
  const user = process.argv.slice(2).find((argument) => !argument.startsWith('--'));
  if (!user || !users.includes(user))
    fail(`npm run login -- <user> [--no-mfa], the user one of:\n  ${users.join('\n  ')}`);
  const department = /^dev-([a-z]+)-/.exec(user!)![1]!;
  // The provider's certificate is of the stack's development CA.
  trustLocalApps();
  const signedIn = await signInAsDevUser(issuer, user!, devAudience(department), {
    mfa: !process.argv.includes('--no-mfa'),
  });
  process.stdout.write(`${signedIn.accessToken}\n`);
  process.stderr.write(
    `(an access token of ${issuer} for ${devAudience(department)}, valid ${signedIn.expiresIn} s; ` +
      `send it as "Authorization: Bearer <token>" to the ${department} register)\n`,
  );
}

await main().catch((error: unknown) => fail(`login failed: ${error instanceof Error ? error.message : String(error)}`));
