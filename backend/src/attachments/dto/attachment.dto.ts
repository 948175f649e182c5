import { ApiProperty } from '@nestjs/swagger';

/** API.md's Attachment. */
export class AttachmentDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'photo.jpg' })
  filename!: string;

  @ApiProperty({ example: 'image/jpeg' })
  content_type!: string;

  @ApiProperty({ example: 183_204, description: 'Bytes' })
  size!: number;

  @ApiProperty({ type: Number, nullable: true, example: 1280 })
  width!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 960 })
  height!: number | null;

  @ApiProperty({ description: 'Short-lived signed URL, usable without an Authorization header' })
  url!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Short-lived signed URL of a thumbnail (images only)' })
  thumbnail_url!: string | null;
}
