export function hello(): string { return 'from lib'; }
