import sharp from 'sharp';

/** The longest side of a thumbnail, in pixels. */
const THUMBNAIL_SIDE = 320;
/** Refuses decompression bombs: 100 megapixels (a 10000 × 10000 photo) is the most decoded. */
const MAX_INPUT_PIXELS = 100_000_000;

export interface ProcessedImage {
  width: number;
  height: number;
  /** The re-encoded image's type (HEIC/HEIF become JPEG). */
  contentType: string;
  size: number;
}

const OUTPUT: Record<string, { format: keyof sharp.FormatEnum; type: string; animated: boolean }> = {
  'image/jpeg': { format: 'jpeg', type: 'image/jpeg', animated: false },
  'image/png': { format: 'png', type: 'image/png', animated: false },
  'image/webp': { format: 'webp', type: 'image/webp', animated: true },
  'image/gif': { format: 'gif', type: 'image/gif', animated: true },
  'image/avif': { format: 'jpeg', type: 'image/jpeg', animated: false },
  'image/heic': { format: 'jpeg', type: 'image/jpeg', animated: false },
  'image/heif': { format: 'jpeg', type: 'image/jpeg', animated: false },
};

/**
 * Re-encodes an image from `input` to `output` without its metadata (EXIF, GPS, XMP, IPTC,
 * comments: sharp keeps none unless asked), turned upright first as its EXIF orientation said.
 * Runs on libvips' threads: the event loop only awaits it. Throws when the bytes do not decode.
 */
export async function stripImage(input: string, output: string, contentType: string): Promise<ProcessedImage> {
  const target = OUTPUT[contentType];
  const info = await sharp(input, { animated: target.animated, limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .toFormat(target.format)
    .toFile(output);
  // An animation's height is its frames' together: the frame's is what a viewer sees.
  const meta = target.animated ? await sharp(output, { limitInputPixels: MAX_INPUT_PIXELS }).metadata() : undefined;
  return { width: info.width, height: meta?.pageHeight ?? info.height, contentType: target.type, size: info.size };
}

/** A small WebP preview of the (already stripped) image: its first frame, at most 320 px a side. */
export function thumbnail(input: string): Promise<Buffer> {
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer();
}
