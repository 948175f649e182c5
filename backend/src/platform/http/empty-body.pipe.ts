import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** For endpoints that take no body: any field sent is a 400, as everywhere else. */
@Injectable()
export class EmptyBodyPipe implements PipeTransform {
  transform(value: unknown): undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw new BadRequestException('This endpoint takes no body');
    const fields = Object.keys(value);
    if (fields.length) throw new BadRequestException(fields.map((f) => `property ${f} should not exist`));
    return undefined;
  }
}
