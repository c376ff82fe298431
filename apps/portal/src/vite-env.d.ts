/// <reference types="vite/client" />

/** The governance root public key (base64) built into the page; '' when it was built without one. */
declare const __PORTAL_TRUST_ROOT__: string;
