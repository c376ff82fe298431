/** Stable problem codes of the bond register (README, "REST and Kafka surface"). */
export const BondErrorCode = {
  ISSUER_EXISTS: 'BOND.ISSUER_EXISTS',
  ISSUER_NOT_FOUND: 'BOND.ISSUER_NOT_FOUND',
  ISSUE_EXISTS: 'BOND.ISSUE_EXISTS',
  ISSUE_NOT_FOUND: 'BOND.ISSUE_NOT_FOUND',
  WRONG_STEP: 'BOND.WRONG_STEP',
  OVER_ALLOCATED: 'BOND.OVER_ALLOCATED',
  INSUFFICIENT_HOLDING: 'BOND.INSUFFICIENT_HOLDING',
  /** An investor holds an issue through one bank: naming another would move the whole holding to it. */
  HOLDER_AT_OTHER_BANK: 'BOND.HOLDER_AT_OTHER_BANK',
  COUPON_EXISTS: 'BOND.COUPON_EXISTS',
} as const;
