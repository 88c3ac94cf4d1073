// The dimensions sales are counted by: what an event's channel and customer may be, and the
// customer attributes the demographics break revenue down by. Declared here, below everything
// that uses them: the event contract (sales-event.ts), the rollups and the API's contract
// (lib/contract/) all read the same lists.

export const CHANNELS = ['web', 'app', 'store', 'marketplace'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * A region as it is counted and filtered: lower case. Regions are names producers spell as they
 * like ("EU-West", "eu-west"); one region must not show twice. Store ids, SKUs and order ids
 * are identifiers and stay exact.
 */
export function canonicalRegion(region: string): string {
  return region.toLowerCase();
}

export const AGE_BANDS = ['<18', '18-24', '25-34', '35-44', '45-54', '55-64', '65+', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const GENDERS = ['female', 'male', 'nonbinary', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

export const LOYALTY_TIERS = ['none', 'silver', 'gold', 'platinum'] as const;
export type LoyaltyTier = (typeof LOYALTY_TIERS)[number];

export const CUSTOMER_TYPES = ['new', 'returning'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

/** What the demographics of a view break revenue and orders down by (the API's `demographics` keys). */
export const DEMOGRAPHIC_DIMENSIONS = ['age_band', 'gender', 'loyalty_tier', 'customer_type', 'region'] as const;
export type DemographicDimension = (typeof DEMOGRAPHIC_DIMENSIONS)[number];
