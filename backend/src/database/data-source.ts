import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/**
 * For the TypeORM CLI (`npm run migration:generate -w backend -- src/database/migrations/Name`):
 * needs DATABASE_URL and a build.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to the database the TypeORM CLI should compare the entities with');

export default new DataSource(dataSourceOptions(url, 2));
