import { specFor } from '@registry-bus/domain';

import { parcelDecider } from './decide-parcel.js';
import { LandErrorCode } from './land-errors.js';
import type { LegalBasis, ParcelEvent } from './parcel-events.js';
import { evolveParcel, initialParcelState } from './parcel-state.js';

const given = specFor(parcelDecider);
const sale: LegalBasis = { documentType: 'contract-of-sale', reference: 'K-2026-118' };
const loan: LegalBasis = { documentType: 'loan-agreement', reference: 'L-77' };
const ruling: LegalBasis = { documentType: 'court-decision', reference: 'C-9/2026' };

const registeredParcel: ParcelEvent = {
  type: 'gov.land.parcel.registered.v1',
  data: {
    cadastralNumber: 'CAD-1',
    areaSquareMetres: '1200.50',
    location: 'Tbilisi, plot 7',
    landUse: 'residential',
    owners: [{ ownerId: 'person:1', share: '1' }],
    basis: { documentType: 'survey', reference: 'S-1' },
  },
};
const cause = { chain: 'credit', seq: '4', eventId: '0b9e7c1e-4a57-4d4e-9d1c-1d2b3c4d5e6f', hash: 'ab'.repeat(32) };
const courtOrder = { chain: 'court', seq: '9', eventId: '5d0c2b7e-1f3a-4c59-8e2d-7a6b5c4d3e2f', hash: 'cd'.repeat(32) };
/** Recorded on the credit registry's pledge request (`cause`): only its release lifts it. */
const pledgedToA: ParcelEvent = {
  type: 'gov.land.encumbrance.added.v1',
  data: { cadastralNumber: 'CAD-1', encumbranceId: 'pledge-A', kind: 'pledge', holder: 'bank:A', basis: loan, cause },
};
const seized: ParcelEvent = {
  type: 'gov.land.encumbrance.added.v1',
  data: {
    cadastralNumber: 'CAD-1',
    encumbranceId: 'seizure-1',
    kind: 'seizure',
    holder: 'court:tbilisi',
    basis: ruling,
    cause: courtOrder,
  },
};
const halfToPerson2: ParcelEvent = {
  type: 'gov.land.parcel.transferred.v1',
  data: {
    cadastralNumber: 'CAD-1',
    from: 'person:1',
    to: [{ ownerId: 'person:2', share: '1/2' }],
    share: '1/2',
    basis: sale,
    consentedBy: [],
  },
};
const consent = (to: 'transfer' | 'second-pledge', counterparty: string): ParcelEvent => ({
  type: 'gov.land.encumbrance.consent-recorded.v1',
  data: { cadastralNumber: 'CAD-1', encumbranceId: 'pledge-A', to, counterparty, cause },
});
const transfer = (extra: object = {}) => ({
  kind: 'transfer-ownership' as const,
  cadastralNumber: 'CAD-1',
  from: 'person:1',
  to: [{ ownerId: 'person:2', share: '1' }],
  share: '1',
  basis: sale,
  ...extra,
});

describe('land register: a parcel', () => {
  describe('registration', () => {
    it('records a parcel whose shares add up to one', () => {
      given([])
        .when({
          kind: 'register-parcel',
          cadastralNumber: 'CAD-1',
          areaSquareMetres: '1200.50',
          location: 'Tbilisi, plot 7',
          landUse: 'residential',
          owners: [{ ownerId: 'person:1', share: '1' }],
          basis: { documentType: 'survey', reference: 'S-1' },
        })
        .then([registeredParcel]);
    });

    it('refuses a second registration of the same cadastral number', () => {
      given([registeredParcel])
        .when({ ...registeredParcel.data, kind: 'register-parcel' } as never)
        .thenRefuses(LandErrorCode.PARCEL_ALREADY_REGISTERED, 'cadastralNumber');
    });

    it("refuses owners' shares that do not add up to one", () => {
      given([])
        .when({
          ...registeredParcel.data,
          kind: 'register-parcel',
          owners: [
            { ownerId: 'person:1', share: '1/2' },
            { ownerId: 'person:2', share: '1/3' },
          ],
        } as never)
        .thenRefuses(LandErrorCode.SHARES_NOT_WHOLE, 'owners');
    });

    it('refuses an area that is not a positive decimal with two places', () => {
      given([])
        .when({ ...registeredParcel.data, kind: 'register-parcel', areaSquareMetres: '1e3' } as never)
        .thenRefuses(LandErrorCode.BAD_AREA, 'areaSquareMetres');
    });
  });

  describe('transfer of ownership', () => {
    it('transfers the whole parcel', () => {
      given([registeredParcel])
        .when(transfer())
        .then([
          {
            type: 'gov.land.parcel.transferred.v1',
            data: {
              cadastralNumber: 'CAD-1',
              from: 'person:1',
              to: [{ ownerId: 'person:2', share: '1' }],
              share: '1',
              basis: sale,
              consentedBy: [],
            },
          },
        ]);
    });

    it('transfers a share, and the owners then hold the rest', () => {
      given([registeredParcel])
        .when(transfer({ share: '1/2', to: [{ ownerId: 'person:2', share: '1/2' }] }))
        .then([halfToPerson2]);
      const state = [registeredParcel, halfToPerson2].reduce(evolveParcel, initialParcelState);
      expect(state).toMatchObject({
        owners: [
          { ownerId: 'person:1', share: '1/2' },
          { ownerId: 'person:2', share: '1/2' },
        ],
      });
    });

    it('is refused while a seizure is active, naming the court decision', () => {
      given([registeredParcel, seized]).when(transfer()).thenRefuses(LandErrorCode.PARCEL_SEIZED, 'cadastralNumber');
    });

    it("is refused while a pledge is active without the pledgee's consent", () => {
      given([registeredParcel, pledgedToA])
        .when(transfer())
        .thenRefuses(LandErrorCode.PARCEL_PLEDGED, 'cadastralNumber');
      // A consent to someone else's purchase does not open this one.
      given([registeredParcel, pledgedToA, consent('transfer', 'person:7')])
        .when(transfer())
        .thenRefuses(LandErrorCode.PARCEL_PLEDGED, 'cadastralNumber');
    });

    it('is refused to several buyers when the pledgee consented to one of them only (its consent stretched to the other)', () => {
      const toTwo = transfer({
        to: [
          { ownerId: 'person:2', share: '1/2' },
          { ownerId: 'person:7', share: '1/2' },
        ],
      });
      given([registeredParcel, pledgedToA, consent('transfer', 'person:2')])
        .when(toTwo)
        .thenRefuses(LandErrorCode.PARCEL_PLEDGED, 'cadastralNumber');
      given([registeredParcel, pledgedToA, consent('transfer', 'person:2'), consent('transfer', 'person:7')])
        .when(toTwo)
        .then([expect.objectContaining({ type: 'gov.land.parcel.transferred.v1' }) as never]);
    });

    it("goes through with the pledgee's recorded consent, named on the entry, and spends the consent", () => {
      given([registeredParcel, pledgedToA, consent('transfer', 'person:2')])
        .when(transfer())
        .then([
          {
            type: 'gov.land.parcel.transferred.v1',
            data: {
              cadastralNumber: 'CAD-1',
              from: 'person:1',
              to: [{ ownerId: 'person:2', share: '1' }],
              share: '1',
              basis: sale,
              consentedBy: ['bank:A'],
            },
          },
        ]);
    });

    it('spends a consent to transfer: the next sale needs a new one', () => {
      const sold: ParcelEvent = {
        type: 'gov.land.parcel.transferred.v1',
        data: {
          ...(halfToPerson2.data as object),
          to: [{ ownerId: 'person:2', share: '1/2' }],
          consentedBy: ['bank:A'],
        } as never,
      };
      given([registeredParcel, pledgedToA, consent('transfer', 'person:2'), sold])
        .when(transfer({ to: [{ ownerId: 'person:2', share: '1/2' }], share: '1/2' }))
        .thenRefuses(LandErrorCode.PARCEL_PLEDGED, 'cadastralNumber');
    });

    it('is refused from someone who is not an owner, or for more than they hold', () => {
      given([registeredParcel])
        .when(transfer({ from: 'person:9' }))
        .thenRefuses(LandErrorCode.NOT_AN_OWNER, 'from');
      given([registeredParcel, halfToPerson2])
        .when(transfer())
        .thenRefuses(LandErrorCode.SHARE_EXCEEDS_HOLDING, 'share');
    });

    it('is refused for a parcel that is not registered', () => {
      given([]).when(transfer()).thenRefuses(LandErrorCode.PARCEL_NOT_FOUND, 'cadastralNumber');
    });
  });

  describe('encumbrances', () => {
    const pledgeRequest = (encumbranceId: string, holder: string) => ({
      kind: 'decide-pledge-request' as const,
      cadastralNumber: 'CAD-1',
      encumbranceId,
      holder,
      pledgor: 'person:1',
      basis: loan,
      cause,
    });

    it('adds an easement a land clerk records', () => {
      given([registeredParcel])
        .when({
          kind: 'add-encumbrance',
          cadastralNumber: 'CAD-1',
          encumbranceId: 'way-1',
          encumbranceKind: 'easement',
          holder: 'person:5',
          basis: ruling,
        })
        .then([
          {
            type: 'gov.land.encumbrance.added.v1',
            data: {
              cadastralNumber: 'CAD-1',
              encumbranceId: 'way-1',
              kind: 'easement',
              holder: 'person:5',
              basis: ruling,
            },
          },
        ]);
    });

    it("refuses a land clerk's seizure or pledge: those are the court's and the credit registry's to record", () => {
      for (const encumbranceKind of ['seizure', 'pledge'] as const) {
        given([registeredParcel])
          .when({
            kind: 'add-encumbrance',
            cadastralNumber: 'CAD-1',
            encumbranceId: 'by-hand',
            encumbranceKind,
            holder: 'court:tbilisi',
            basis: ruling,
          })
          .thenRefuses(LandErrorCode.ENCUMBRANCE_NEEDS_ORDER, 'kind');
      }
    });

    it("refuses a second pledge to another bank without the first pledgee's consent (the double-pledge fraud)", () => {
      given([registeredParcel, pledgedToA])
        .when(pledgeRequest('pledge-B', 'bank:B'))
        .then([
          expect.objectContaining({
            type: 'gov.land.encumbrance.refused.v1',
            data: expect.objectContaining({ encumbranceId: 'pledge-B', code: LandErrorCode.PARCEL_PLEDGED }) as unknown,
          }) as never,
        ]);
    });

    it("allows the second pledge with the first pledgee's consent", () => {
      given([registeredParcel, pledgedToA, consent('second-pledge', 'bank:B')])
        .when(pledgeRequest('pledge-B', 'bank:B'))
        .then([
          {
            type: 'gov.land.encumbrance.added.v1',
            data: {
              cadastralNumber: 'CAD-1',
              encumbranceId: 'pledge-B',
              kind: 'pledge',
              holder: 'bank:B',
              basis: loan,
              cause,
            },
          },
        ]);
    });

    it('answers a pledge request from the credit registry with the encumbrance, citing the request', () => {
      given([registeredParcel])
        .when({
          kind: 'decide-pledge-request',
          cadastralNumber: 'CAD-1',
          encumbranceId: 'pledge-A',
          holder: 'bank:A',
          pledgor: 'person:1',
          basis: loan,
          cause,
        })
        .then([{ type: 'gov.land.encumbrance.added.v1', data: { ...pledgedToA.data, cause } } as ParcelEvent]);
    });

    it('answers a pledge request it cannot grant with a refusal entry giving the code and reason', () => {
      const request = {
        kind: 'decide-pledge-request' as const,
        cadastralNumber: 'CAD-1',
        encumbranceId: 'pledge-B',
        holder: 'bank:B',
        pledgor: 'person:1',
        basis: loan,
        cause,
      };
      const refusal = (code: string) => [
        expect.objectContaining({
          type: 'gov.land.encumbrance.refused.v1',
          data: expect.objectContaining({ encumbranceId: 'pledge-B', holder: 'bank:B', code, cause }) as unknown,
        }) as never,
      ];
      given([registeredParcel, pledgedToA]).when(request).then(refusal(LandErrorCode.PARCEL_PLEDGED));
      given([registeredParcel, seized]).when(request).then(refusal(LandErrorCode.PARCEL_SEIZED));
      given([]).when(request).then(refusal(LandErrorCode.PARCEL_NOT_FOUND));
      // Sold before the pledge request arrived: the seller can no longer pledge it.
      given([registeredParcel])
        .when({ ...request, pledgor: 'person:9' })
        .then(refusal(LandErrorCode.NOT_AN_OWNER));
    });

    it('records a consent once, and ignores a consent for a pledge it never recorded', () => {
      const command = {
        kind: 'record-consent' as const,
        cadastralNumber: 'CAD-1',
        encumbranceId: 'pledge-A',
        to: 'transfer' as const,
        counterparty: 'person:2',
        cause,
      };
      given([registeredParcel, pledgedToA])
        .when(command)
        .then([consent('transfer', 'person:2')]);
      given([registeredParcel, pledgedToA, consent('transfer', 'person:2')])
        .when(command)
        .then([]);
      given([registeredParcel]).when(command).then([]);
    });

    it("refuses the credit registry's consent on a pledge it did not record (one a land clerk recorded by hand)", () => {
      const byClerk: ParcelEvent = {
        type: 'gov.land.encumbrance.added.v1',
        data: { cadastralNumber: 'CAD-1', encumbranceId: 'pledge-A', kind: 'pledge', holder: 'bank:B', basis: loan },
      };
      given([registeredParcel, byClerk])
        .when({
          kind: 'record-consent',
          cadastralNumber: 'CAD-1',
          encumbranceId: 'pledge-A',
          to: 'transfer',
          counterparty: 'person:2',
          cause,
        })
        .thenRefuses(LandErrorCode.NOT_THE_CREATOR, 'encumbranceId');
    });

    it("lifts a pledge on the credit registry's release, after which the parcel can be sold", () => {
      const lifted: ParcelEvent = {
        type: 'gov.land.encumbrance.lifted.v1',
        data: { cadastralNumber: 'CAD-1', encumbranceId: 'pledge-A', basis: loan, cause },
      };
      given([registeredParcel, pledgedToA])
        .when({ kind: 'lift-encumbrance', cadastralNumber: 'CAD-1', encumbranceId: 'pledge-A', basis: loan, cause })
        .then([lifted]);
      given([registeredParcel, pledgedToA, lifted])
        .when(transfer())
        .then([expect.objectContaining({ type: 'gov.land.parcel.transferred.v1' }) as never]);
    });

    it("lifts a seizure on the court's release order, and a clerk's easement by a clerk", () => {
      given([registeredParcel, seized])
        .when({
          kind: 'lift-encumbrance',
          cadastralNumber: 'CAD-1',
          encumbranceId: 'seizure-1',
          basis: ruling,
          cause: courtOrder,
        })
        .then([
          {
            type: 'gov.land.encumbrance.lifted.v1',
            data: { cadastralNumber: 'CAD-1', encumbranceId: 'seizure-1', basis: ruling, cause: courtOrder },
          },
        ]);
      const easement: ParcelEvent = {
        type: 'gov.land.encumbrance.added.v1',
        data: { cadastralNumber: 'CAD-1', encumbranceId: 'way-1', kind: 'easement', holder: 'person:5', basis: ruling },
      };
      given([registeredParcel, easement])
        .when({ kind: 'lift-encumbrance', cadastralNumber: 'CAD-1', encumbranceId: 'way-1', basis: ruling })
        .then([
          {
            type: 'gov.land.encumbrance.lifted.v1',
            data: { cadastralNumber: 'CAD-1', encumbranceId: 'way-1', basis: ruling },
          },
        ]);
    });

    it("refuses to lift another party's encumbrance: a bank's pledge or a court's seizure by a clerk, one by the other", () => {
      const byClerk = (encumbranceId: string) => ({
        kind: 'lift-encumbrance' as const,
        cadastralNumber: 'CAD-1',
        encumbranceId,
        basis: ruling,
      });
      given([registeredParcel, pledgedToA])
        .when(byClerk('pledge-A'))
        .thenRefuses(LandErrorCode.NOT_THE_CREATOR, 'encumbranceId');
      given([registeredParcel, seized])
        .when(byClerk('seizure-1'))
        .thenRefuses(LandErrorCode.NOT_THE_CREATOR, 'encumbranceId');
      // The court's release order naming a bank's pledge, the credit registry's release naming a seizure.
      given([registeredParcel, pledgedToA])
        .when({ ...byClerk('pledge-A'), cause: courtOrder })
        .thenRefuses(LandErrorCode.NOT_THE_CREATOR, 'encumbranceId');
      given([registeredParcel, seized])
        .when({ ...byClerk('seizure-1'), cause })
        .thenRefuses(LandErrorCode.NOT_THE_CREATOR, 'encumbranceId');
    });

    it("lifts a court's seizure only on a release order of the same case (judgment ids repeat across cases)", () => {
      const seizedInCase: ParcelEvent = {
        type: 'gov.land.encumbrance.added.v1',
        data: { ...seized.data, encumbranceId: 'J-1', holder: 'court:C-1/2026/J-1' },
      };
      const release = (fromCase: string) => ({
        kind: 'lift-encumbrance' as const,
        cadastralNumber: 'CAD-1',
        encumbranceId: 'J-1',
        basis: ruling,
        cause: courtOrder,
        fromCase,
      });
      given([registeredParcel, seizedInCase])
        .when(release('C-2/2026'))
        .thenRefuses(LandErrorCode.NOT_THE_CREATOR, 'encumbranceId');
      given([registeredParcel, seizedInCase])
        .when(release('C-1/2026'))
        .then([
          {
            type: 'gov.land.encumbrance.lifted.v1',
            data: { cadastralNumber: 'CAD-1', encumbranceId: 'J-1', basis: ruling, cause: courtOrder },
          },
        ]);
    });

    it('names who may lift it in the refusal', () => {
      expect(() =>
        parcelDecider.decide(
          { kind: 'lift-encumbrance', cadastralNumber: 'CAD-1', encumbranceId: 'pledge-A', basis: ruling },
          [registeredParcel, pledgedToA].reduce(evolveParcel, initialParcelState),
        ),
      ).toThrow(
        "pledge pledge-A on parcel CAD-1 was recorded on the credit registry's entry; only the credit registry may lift it, not a land clerk's command",
      );
    });

    it('refuses to lift what is not there, and to record the same encumbrance twice', () => {
      given([registeredParcel])
        .when({ kind: 'lift-encumbrance', cadastralNumber: 'CAD-1', encumbranceId: 'nope', basis: loan })
        .thenRefuses(LandErrorCode.ENCUMBRANCE_NOT_FOUND, 'encumbranceId');
      given([registeredParcel, pledgedToA])
        .when(pledgeRequest('pledge-A', 'bank:A'))
        .then([
          expect.objectContaining({
            type: 'gov.land.encumbrance.refused.v1',
            data: expect.objectContaining({ code: LandErrorCode.ENCUMBRANCE_EXISTS }) as unknown,
          }) as never,
        ]);
    });
  });
});
