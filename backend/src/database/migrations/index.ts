import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { MessagesThatChange1764600000000 } from './1764600000000-MessagesThatChange';

/** Every migration, oldest first. Listed explicitly so builds and tests load the same set. */
export const MIGRATIONS = [InitialSchema1764000000000, MessagesThatChange1764600000000];
