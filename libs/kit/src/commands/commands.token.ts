/** Injection token of the department's CommandRunner. */
export const COMMANDS = Symbol('COMMANDS');
