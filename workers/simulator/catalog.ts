// A deterministic synthetic retail world: catalogue, stores and customers for the simulator.
import type { Channel, Gender, LoyaltyTier } from '@/lib/contract/overview';

export type Rng = () => number;

/** mulberry32: small, fast, seedable — the same seed gives the same world and stream. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/** Sampler over weights via cumulative sums and binary search. */
export function weighted<T>(items: readonly T[], weights: readonly number[]): (rng: Rng) => T {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    cumulative.push(sum);
  }
  return (rng) => {
    const x = rng() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo] as T;
  };
}

export interface Product {
  sku: string;
  name: string;
  category: string;
  priceCents: number;
}

export interface StoreInfo {
  id: string;
  region: string;
}

export interface CustomerProfile {
  id: string;
  age: number | null;
  gender: Gender;
  loyaltyTier: LoyaltyTier;
}

const CATEGORIES: { name: string; nouns: string[]; price: [number, number] }[] = [
  { name: 'Apparel', nouns: ['T-Shirt', 'Hoodie', 'Jeans', 'Jacket', 'Dress', 'Sweater'], price: [1500, 12000] },
  { name: 'Footwear', nouns: ['Runner', 'Sneaker', 'Boot', 'Sandal', 'Loafer'], price: [3500, 18000] },
  {
    name: 'Electronics',
    nouns: ['Earbuds', 'Speaker', 'Charger', 'Smartwatch', 'Headphones', 'Power Bank'],
    price: [1900, 39900],
  },
  {
    name: 'Home & Kitchen',
    nouns: ['Mug', 'Pan', 'Knife Set', 'Throw Blanket', 'Lamp', 'Kettle'],
    price: [900, 15000],
  },
  { name: 'Beauty', nouns: ['Serum', 'Moisturiser', 'Lipstick', 'Shampoo', 'Perfume'], price: [800, 9500] },
  {
    name: 'Sports & Outdoors',
    nouns: ['Yoga Mat', 'Water Bottle', 'Backpack', 'Tent', 'Dumbbell'],
    price: [1200, 25000],
  },
  { name: 'Toys', nouns: ['Puzzle', 'Building Set', 'Plush', 'Board Game', 'RC Car'], price: [700, 8900] },
  { name: 'Grocery', nouns: ['Coffee Beans', 'Olive Oil', 'Granola', 'Tea Box', 'Chocolate'], price: [300, 2900] },
  { name: 'Books', nouns: ['Novel', 'Cookbook', 'Atlas', 'Biography', 'Notebook'], price: [600, 4500] },
  { name: 'Accessories', nouns: ['Wallet', 'Sunglasses', 'Belt', 'Scarf', 'Cap', 'Watch Strap'], price: [900, 14000] },
];

const ADJECTIVES = [
  'Classic',
  'Urban',
  'Eco',
  'Pro',
  'Everyday',
  'Premium',
  'Compact',
  'Vintage',
  'Nordic',
  'Sunset',
  'Trail',
  'Cloud',
];

export const REGIONS: Record<string, string[]> = {
  'us-east': ['NYC', 'BOS', 'ATL', 'MIA', 'PHL'],
  'us-west': ['SFO', 'LAX', 'SEA', 'DEN', 'PDX'],
  'eu-west': ['LON', 'PAR', 'DUB', 'AMS', 'MAD'],
  'eu-central': ['BER', 'MUC', 'VIE', 'ZRH'],
  apac: ['SYD', 'SIN', 'TYO', 'SEL', 'MEL'],
};

export const CHANNEL_MIX: { channel: Channel; weight: number }[] = [
  { channel: 'web', weight: 38 },
  { channel: 'app', weight: 27 },
  { channel: 'store', weight: 30 },
  { channel: 'marketplace', weight: 5 },
];

export interface World {
  products: Product[];
  /** Long-tail popularity: product i has weight 1 / (i + 1)^1.1. */
  sampleProduct: (rng: Rng) => Product;
  stores: StoreInfo[];
  sampleStore: (rng: Rng) => StoreInfo;
  sampleChannel: (rng: Rng) => Channel;
  customers: CustomerProfile[];
}

function ageFor(rng: Rng): number | null {
  if (rng() < 0.12) return null; // not everyone tells us
  const band = weighted([16, 21, 29, 39, 49, 59, 70], [3, 18, 27, 21, 14, 10, 7])(rng);
  return Math.max(14, Math.min(90, Math.round(band + (rng() - 0.5) * 9)));
}

export function createWorld(seed = 42, skuCount = 240, customerCount = 5000): World {
  const rng = createRng(seed);
  const products: Product[] = [];
  for (let i = 0; i < skuCount; i++) {
    const category = CATEGORIES[i % CATEGORIES.length] as (typeof CATEGORIES)[number];
    const noun = pick(rng, category.nouns);
    const [lo, hi] = category.price;
    const priceCents = Math.round((lo + rng() * (hi - lo)) / 100) * 100 - 1; // x.99 pricing
    products.push({
      sku: `SKU-${String(10001 + i)}`,
      name: `${pick(rng, ADJECTIVES)} ${noun}`,
      category: category.name,
      priceCents,
    });
  }
  // Shuffle so popularity is not tied to category order.
  for (let i = products.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [products[i], products[j]] = [products[j] as Product, products[i] as Product];
  }
  const stores: StoreInfo[] = Object.entries(REGIONS).flatMap(([region, cities]) =>
    cities.map((city, i) => ({ id: `${city}-${String(i + 1).padStart(2, '0')}`, region })),
  );
  const genders = weighted<Gender>(['female', 'male', 'nonbinary', 'undisclosed'], [49, 44, 2, 5]);
  const tiers = weighted<LoyaltyTier>(['none', 'silver', 'gold', 'platinum'], [55, 25, 14, 6]);
  const customers: CustomerProfile[] = Array.from({ length: customerCount }, (_, i) => ({
    id: `C${String(100000 + i)}`,
    age: ageFor(rng),
    gender: genders(rng),
    loyaltyTier: tiers(rng),
  }));
  return {
    products,
    sampleProduct: weighted(
      products,
      products.map((_, i) => 1 / (i + 1) ** 1.1),
    ),
    stores,
    sampleStore: weighted(
      stores,
      stores.map((_, i) => 1 + ((i * 7) % 5)),
    ),
    sampleChannel: weighted(
      CHANNEL_MIX.map((c) => c.channel),
      CHANNEL_MIX.map((c) => c.weight),
    ),
    customers,
  };
}
