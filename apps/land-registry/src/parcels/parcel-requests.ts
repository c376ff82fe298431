import { area, cadastralNumber, clientId, legalBasisSchema, owners, partyId, share } from '@registry-bus/contracts';
import { z } from 'zod';

/** Request bodies of the land register's REST commands (validated, and documented in OpenAPI). */
export const registerParcelRequest = z.strictObject({
  cadastralNumber,
  areaSquareMetres: area,
  location: z.string().trim().min(1).max(300),
  landUse: z.string().trim().min(1).max(100),
  owners,
  basis: legalBasisSchema,
});

export const transferRequest = z.strictObject({ from: partyId, to: owners, share, basis: legalBasisSchema });

/** Pledges are not added here: they come from the credit registry's pledge requests. */
export const addEncumbranceRequest = z.strictObject({
  encumbranceId: clientId,
  kind: z.enum(['seizure', 'easement']),
  holder: partyId,
  basis: legalBasisSchema,
});

export const liftEncumbranceRequest = z.strictObject({ basis: legalBasisSchema });

export const parcelParams = z.strictObject({ cadastralNumber });
export const encumbranceParams = z.strictObject({ cadastralNumber, encumbranceId: clientId });
