/** Stable codes of the land register's refusals. */
export const LandErrorCode = {
  PARCEL_ALREADY_REGISTERED: 'LAND.PARCEL_ALREADY_REGISTERED',
  PARCEL_NOT_FOUND: 'LAND.PARCEL_NOT_FOUND',
  SHARES_NOT_WHOLE: 'LAND.SHARES_NOT_WHOLE',
  BAD_SHARE: 'LAND.BAD_SHARE',
  BAD_AREA: 'LAND.BAD_AREA',
  NOT_AN_OWNER: 'LAND.NOT_AN_OWNER',
  SHARE_EXCEEDS_HOLDING: 'LAND.SHARE_EXCEEDS_HOLDING',
  PARCEL_SEIZED: 'LAND.PARCEL_SEIZED',
  PARCEL_PLEDGED: 'LAND.PARCEL_PLEDGED',
  ENCUMBRANCE_EXISTS: 'LAND.ENCUMBRANCE_EXISTS',
  ENCUMBRANCE_NOT_FOUND: 'LAND.ENCUMBRANCE_NOT_FOUND',
  /** A seizure only on a court's order, a pledge only on the credit registry's request — never by a clerk's hand. */
  ENCUMBRANCE_NEEDS_ORDER: 'LAND.ENCUMBRANCE_NEEDS_ORDER',
  /** An encumbrance is lifted only by the party whose entry created it. */
  NOT_THE_CREATOR: 'LAND.NOT_THE_CREATOR',
} as const;
export type LandErrorCode = (typeof LandErrorCode)[keyof typeof LandErrorCode];
