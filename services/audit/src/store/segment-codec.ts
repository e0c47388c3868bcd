import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { mongo } from 'mongoose';

/**
 * A segment's records as stored: their texts joined by `\n` (a JSON text never holds a raw newline)
 * and deflated. FerretDB's cost grows with a document's bytes, and these texts (keys repeated, each
 * record's hash repeated as the next one's prevHash) deflate to about a fifth.
 */
export function encodeTexts(texts: readonly string[]): mongo.Binary {
  return new mongo.Binary(deflateRawSync(Buffer.from(texts.join('\n'), 'utf8'), { level: 1 }));
}

export function decodeTexts(z: mongo.Binary | Buffer | Uint8Array): string[] {
  const bytes = z instanceof mongo.Binary ? z.buffer : z;
  const text = inflateRawSync(bytes).toString('utf8');
  return text === '' ? [] : text.split('\n');
}
