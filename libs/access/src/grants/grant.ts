/** A grant's terms as its owner issued them (the data of `gov.<owner>.access.grant-issued.v1`). */
export interface GrantIssuedData {
  grantId: string;
  grantee: string;
  /** Event-type patterns of the owner: exact names or `gov.land.parcel.*`. */
  eventTypes: string[];
  /** `*` for every field, or the allow-list. */
  fields: '*' | string[];
  purpose: string;
  validFrom: string;
  validUntil?: string;
  /** The law or agreement the grant rests on; absent only on grants recorded before #27. */
  basis?: { documentType: string; reference: string };
}

/** A grant as a follower holds it: its terms, where its owner's chain carries it, and where it stands now. */
export interface Grant extends GrantIssuedData {
  owner: string;
  /** Position of the grant entry in the owner's chain. */
  issuedSeq: number;
  revoked?: { seq: number; reason: string };
}

export const grantIssuedType = (owner: string) => `gov.${owner}.access.grant-issued.v1`;
export const grantRevokedType = (owner: string) => `gov.${owner}.access.grant-revoked.v1`;

/** Whether an entry of `owner` of this type issues or revokes a grant. */
export const isGrantEntry = (owner: string, type: string): boolean =>
  type === grantIssuedType(owner) || type === grantRevokedType(owner);
