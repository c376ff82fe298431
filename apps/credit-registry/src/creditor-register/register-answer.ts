import type { ParcelPledges } from '../pledges/parcel-pledges.js';
import { amountBand, type AmountBand } from './amount-band.js';

/** A pledge that encumbers its parcel, with what the register needs of its loan and of its activation entry. */
export interface RegisterPledge {
  pledgeId: string;
  bankId: string;
  asset: string;
  /** The loan it secures: its borrower and amount (null when the loan's data was erased). */
  loan: { borrower: string; amount: string; currency: string } | null;
  /** The credit entry that made it active (the land register had recorded it): seq in the parcel's chain, time. */
  activation: { seq: number; time: Date } | null;
}

/** All another bank is told of a pledge: that it exists, on which asset, its amount band, rank and date. */
export interface OtherBanksPledge {
  exists: true;
  asset: string;
  amountBand: AmountBand | null;
  rank: number;
  date: string | null;
}

/** The searching bank's own pledges: the same fields, and the pledge's id (its details are on GET /v1/pledges/:id). */
export interface OwnPledge extends OtherBanksPledge {
  pledgeId: string;
}

export const OTHER_BANKS_FIELDS = ['exists', 'asset', 'amountBand', 'rank', 'date'] as const;

/**
 * The pledges that encumber the parcel: active, or released by their bank
 * while the land register has not lifted them yet. Requested ones are not
 * there yet (the land register may refuse them), refused and released ones
 * no more.
 */
export const pledgesInForce = (state: ParcelPledges) =>
  state.pledges.filter((pledge) => pledge.status === 'active' || pledge.status === 'release-requested');

/**
 * The register's answer about some parcels' pledges in force. Rank is the
 * pledge's place among the pledges in force of its parcel, in the order they
 * became active (1 ranks first); it is counted over every bank's pledges
 * before `asked` keeps those the question concerns. Another bank's pledge
 * is shown as the five named fields and nothing else: not its bank, id,
 * pledgor, loan or exact amount.
 */
export function registerAnswer(
  pledges: readonly RegisterPledge[],
  bankId: string,
  asked: (pledge: RegisterPledge) => boolean = () => true,
): Array<OtherBanksPledge | OwnPledge> {
  const byAsset = new Map<string, RegisterPledge[]>();
  for (const pledge of pledges) byAsset.set(pledge.asset, [...(byAsset.get(pledge.asset) ?? []), pledge]);
  const activationOrder = (a: RegisterPledge, b: RegisterPledge) =>
    (a.activation?.seq ?? Number.MAX_SAFE_INTEGER) - (b.activation?.seq ?? Number.MAX_SAFE_INTEGER);
  return [...byAsset.keys()].sort().flatMap((asset) =>
    [...byAsset.get(asset)!]
      .sort(activationOrder)
      .map((pledge, index) => ({ pledge, rank: index + 1 }))
      .filter(({ pledge }) => asked(pledge))
      .map(({ pledge, rank }) => {
        const shown: OtherBanksPledge = {
          exists: true,
          asset,
          amountBand: pledge.loan ? amountBand(pledge.loan.amount, pledge.loan.currency) : null,
          rank,
          date: pledge.activation ? pledge.activation.time.toISOString().slice(0, 10) : null,
        };
        return pledge.bankId === bankId ? { ...shown, pledgeId: pledge.pledgeId } : shown;
      }),
  );
}

/** What the audit keeps of a search: its purpose, what was asked, how many answers (how many of other banks). */
export function searchAuditDetail(
  purpose: string,
  question: string,
  answers: ReadonlyArray<OtherBanksPledge | OwnPledge>,
): string {
  const ofOthers = answers.filter((answer) => !('pledgeId' in answer)).length;
  return `creditor-register search: purpose ${purpose}; asked ${question}; answers ${answers.length}, of other banks ${ofOthers}`;
}
