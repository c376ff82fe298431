// oidc-provider ships no types for its in-memory adapter module; the one function used here.
declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  import type { Adapter } from 'oidc-provider';

  export function createMemoryAdapter(clockTolerance?: number): (model: string) => Adapter;
}
