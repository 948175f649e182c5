import { PipeTransform } from '@nestjs/common';

/** UUIDs compare equal in any case; events and caches use the canonical lower-case form. */
export class LowercasePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return value.toLowerCase();
  }
}
