import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AttachmentDto } from './dto/attachment.dto';
import { Auth, type AuthUser } from '../platform/auth/auth-user';
import { Authenticated } from '../platform/auth/authenticated.decorator';
import { ErrorDto } from '../platform/http/error.dto';
import { UuidParam } from '../platform/http/uuid-param';
import { AttachmentsService } from './attachments.service';
import { SignedUrlQueryDto } from './dto/signed-url-query.dto';
import { VARIANTS, type Variant } from './storage/blob-store';

/**
 * Served files get a sandbox of their own: nothing in them runs or loads (an HTML or SVG
 * file is inert even when opened directly), and no browser guesses another type.
 */
const FILE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Cross-Origin-Resource-Policy': 'same-site',
  'Referrer-Policy': 'no-referrer',
};

@ApiTags('attachments')
@Controller('attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @Authenticated()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Upload a file (multipart field "file"), to send with a message (attachment_ids)',
    description:
      'Streamed; the type is judged from the bytes. Images lose their metadata (EXIF, GPS) and get a thumbnail. ' +
      'An upload no message takes within a day is removed.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: AttachmentDto })
  @ApiBadRequestResponse({ description: 'Not multipart, or no field "file"', type: ErrorDto })
  @ApiPayloadTooLargeResponse({ description: 'Over ATTACHMENT_MAX_BYTES', type: ErrorDto })
  @ApiUnsupportedMediaTypeResponse({ description: 'A type outside the allow-list', type: ErrorDto })
  upload(@Auth() auth: AuthUser, @Req() req: Request): Promise<AttachmentDto> {
    return this.attachments.upload(auth.id, req);
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'An attachment you may read, with fresh signed URLs (when the ones you hold have expired)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: AttachmentDto })
  @ApiNotFoundResponse({ description: 'No such attachment, or not one you may read', type: ErrorDto })
  get(@Auth() auth: AuthUser, @UuidParam('id') id: string): Promise<AttachmentDto> {
    return this.attachments.get(auth.id, id);
  }

  @Get(':id/:variant')
  @ApiOperation({
    summary: 'The file behind a signed URL (no Authorization header: the signature is the permission)',
    description: 'Images, audio and video are served inline, anything else as a download.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'variant', enum: VARIANTS })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file', schema: { type: 'string', format: 'binary' } })
  @ApiForbiddenResponse({ description: 'The URL expired or was altered', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such file (any more)', type: ErrorDto })
  async download(
    @UuidParam('id') id: string,
    @Param('variant') variant: string,
    @Query() query: SignedUrlQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    if (!VARIANTS.includes(variant as Variant)) throw new NotFoundException('No such variant of a file');
    const file = await this.attachments.open(id, variant as Variant, query.expires, query.signature);
    res.status(200);
    res.set({
      ...FILE_HEADERS,
      'Content-Type': file.contentType,
      'Content-Length': String(file.size),
      'Content-Disposition': file.disposition,
      // The URL itself expires; no shared cache may keep what it served.
      'Cache-Control': `private, max-age=${Math.max(0, Number(query.expires) - Math.floor(Date.now() / 1000))}`,
    });
    file.body.on('error', () => res.destroy());
    file.body.pipe(res);
  }
}
