/** Stable problem codes of the court register (README, "REST and Kafka surface"). */
export const CourtErrorCode = {
  CASE_EXISTS: 'COURT.CASE_EXISTS',
  CASE_NOT_FOUND: 'COURT.CASE_NOT_FOUND',
  HEARING_EXISTS: 'COURT.HEARING_EXISTS',
  JUDGMENT_EXISTS: 'COURT.JUDGMENT_EXISTS',
  JUDGMENT_NOT_FOUND: 'COURT.JUDGMENT_NOT_FOUND',
  NO_SUCH_SEIZURE: 'COURT.NO_SUCH_SEIZURE',
  /** A seizure is released once: a second release names what no longer binds the parcel. */
  SEIZURE_RELEASED: 'COURT.SEIZURE_RELEASED',
} as const;
