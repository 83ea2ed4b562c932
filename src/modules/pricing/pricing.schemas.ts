// Schemas of the pricing API. Prices are decimal strings (or numbers) in the currency's major unit,
// at most 6 decimals; kept exactly (numeric), never as floating point.
import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../auth/auth.schemas.ts';

const Ref = Type.String({ minLength: 1, maxLength: 100, description: 'id or slug' });
export const PricingParams = Type.Object({ org: Ref });

const PRICE_PATTERN = '^\\d{1,12}(\\.\\d{1,6})?$';
const Price = Type.Union([
  Type.String({ pattern: PRICE_PATTERN }),
  Type.Number({ minimum: 0, maximum: 999_999_999_999 }),
]);
const Rates = {
  per_gb_ingested: Price,
  per_gb_month_stored: Price,
  per_million_records: Price,
};

export const PutPricingBody = Type.Object(
  {
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. EUR' }),
    ...Rates,
    base_fee: Price,
    app_overrides: Type.Optional(
      Type.Record(
        Type.String({ format: 'uuid' }),
        Type.Object(
          {
            per_gb_ingested: Type.Optional(Price),
            per_gb_month_stored: Type.Optional(Price),
            per_million_records: Type.Optional(Price),
          },
          { additionalProperties: false },
        ),
        { maxProperties: 1000 },
      ),
    ),
  },
  { additionalProperties: false },
);

const PriceText = Type.String();
export const PricingResponse = Type.Object({
  pricing: Type.Object({
    currency: Type.String(),
    minor_digits: Type.Integer(),
    per_gb_ingested: PriceText,
    per_gb_month_stored: PriceText,
    per_million_records: PriceText,
    base_fee: PriceText,
    app_overrides: Type.Record(Type.String(), Type.Record(Type.String(), PriceText)),
    /** null: never set, the defaults (free) apply. */
    updated_at: Nullable(DateTime),
  }),
});
