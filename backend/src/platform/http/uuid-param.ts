import { Param, ParseUUIDPipe } from '@nestjs/common';
import { LowercasePipe } from './lowercase.pipe';

/** A path parameter that must be a UUID (400 otherwise), in lower case as ids are stored. */
export const UuidParam = (name: string): ParameterDecorator => Param(name, new ParseUUIDPipe({ version: undefined }), new LowercasePipe());
