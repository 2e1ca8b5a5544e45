import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';

/** What the hashing storage engine adds to an uploaded file: its digest and size, nothing stored. */
export interface HashedFile {
  readonly sha256: string;
  readonly size: number;
}

/** An uploaded file as the controllers receive it. */
export type HashedUpload = Pick<Express.Multer.File, 'fieldname' | 'originalname' | 'mimetype'> &
  HashedFile;

/**
 * A multer storage engine that computes the SHA-256 of an upload while it streams through and
 * keeps nothing: the file is never written to disk nor buffered whole.
 */
export function hashingStorage(): StorageEngine {
  return {
    _handleFile(
      _request: Request,
      file: Express.Multer.File,
      callback: (error?: unknown, info?: Partial<Express.Multer.File> & HashedFile) => void,
    ): void {
      const hash = createHash('sha256');
      let size = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done();
        },
      });
      pipeline(file.stream, sink).then(
        () => {
          callback(null, { sha256: hash.digest('hex'), size });
        },
        (error: unknown) => {
          callback(error);
        },
      );
    },
    _removeFile(
      _request: Request,
      _file: Express.Multer.File,
      callback: (error: Error | null) => void,
    ): void {
      callback(null);
    },
  };
}
