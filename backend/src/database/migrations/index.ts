import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { MessagesThatChange1764600000000 } from './1764600000000-MessagesThatChange';
import { GroupsThatChange1764700000000 } from './1764700000000-GroupsThatChange';
import { WriteAccessVersion1764750000000 } from './1764750000000-WriteAccessVersion';
import { Sessions1764800000000 } from './1764800000000-Sessions';
import { DeletedAccounts1764900000000 } from './1764900000000-DeletedAccounts';
import { ChatSettings1765000000000 } from './1765000000000-ChatSettings';
import { SearchIndex1765100000000 } from './1765100000000-SearchIndex';
import { Attachments1765250000000 } from './1765250000000-Attachments';

/** Every migration, oldest first. Listed explicitly so builds and tests load the same set. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  MessagesThatChange1764600000000,
  GroupsThatChange1764700000000,
  WriteAccessVersion1764750000000,
  Sessions1764800000000,
  DeletedAccounts1764900000000,
  ChatSettings1765000000000,
  SearchIndex1765100000000,
  Attachments1765250000000,
];
