// npm run db:migrate — create the database if needed and apply migrations.
import { fail, step } from '@/scripts/lib/progress';
import { migrate, provideDatabase } from './database';

const command = process.argv[2];
if (command !== 'migrate') fail(`unknown command ${JSON.stringify(command)}; expected: migrate`);

try {
  const database = await provideDatabase({ allowEmbedded: false, onProgress: step });
  step(`applying migrations to ${new URL(database.url).pathname.slice(1)} (${database.kind})`);
  await migrate(database.url);
  step('database is up to date');
} catch (err) {
  fail((err as Error).message);
}
