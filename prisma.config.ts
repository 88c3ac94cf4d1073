// Prisma CLI configuration. Migrations run through the `pg` driver adapter and Prisma's
// Wasm schema engine, so no native schema-engine binary is needed (none can be downloaded
// on offline or locked-down machines).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { defineConfig } from 'prisma/config';

// The CLI falls back to the native engine (and tries to download it) when the URL is
// missing, so give `prisma generate` a harmless default; commands that touch the database
// are run by scripts/db with the real, validated URL.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/pulse';

// adapter-pg 6.19 cannot decode Postgres' `name` (oid 19) and `"char"` (oid 18) columns,
// which the schema engine reads from the catalogs during `migrate deploy` (prisma/orm#27403).
// Both are plain text on the wire, so report them as text.
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

function asText(res: pg.QueryResult | undefined): void {
  for (const field of res?.fields ?? []) {
    if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
}

class CatalogFriendlyClient extends pg.Client {
  // pg calls query() both with a callback (Pool#query) and promise-style (checked-out clients).
  // biome-ignore lint/suspicious/noExplicitAny: pg's overloaded query signature
  override query(...args: any[]): any {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (err: Error | null, res: pg.QueryResult) => {
        asText(res);
        callback(err, res);
      };
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const result = (super.query as any)(...args);
    if (!(result instanceof Promise)) return result;
    return result.then((res: pg.QueryResult) => {
      asText(res);
      return res;
    });
  }
}

class MigrationAdapterFactory extends PrismaPg {
  constructor(private readonly connectionString: string) {
    // allowExitOnIdle: the CLI never closes its pool; without it every command idles 10 s before exiting.
    super({ connectionString, Client: CatalogFriendlyClient, allowExitOnIdle: true });
  }

  // adapter-pg drops the shadow database before closing its pool ("database is being
  // accessed by other users"); close the shadow pool first, then drop.
  override async connectToShadowDb() {
    const main = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    // pg lets connectionString override a separate `database` option: rewrite the URL.
    const url = new URL(this.connectionString);
    url.pathname = `/${database}`;
    const shadow = await new MigrationAdapterFactory(url.toString()).connect();
    const closeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await closeShadow();
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      await main.dispose();
    };
    return shadow;
  }
}

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new MigrationAdapterFactory(process.env.DATABASE_URL as string),
});
