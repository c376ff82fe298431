import { readFileSync, statSync } from 'node:fs';

/**
 * Reads a file that holds a secret (a signing key, passwords), refusing it when
 * anyone but its owner may read or write it (issue #25). A key another local
 * user could read is a key to rotate, not one to keep signing with; the refusal
 * names the file, its mode and the command that fixes it, and reads nothing.
 */
export function readOwnerOnlyFile(file: string): string {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(
      `${file} holds a secret but its mode is ${mode.toString(8).padStart(4, '0')} (others may read or write it): ` +
        `refused; make it the owner's alone (chmod 600 ${file}) and, if others could read it, rotate the secret`,
    );
  }
  return readFileSync(file, 'utf8');
}
