import { createReadStream, promises as fs, type ReadStream } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@hotline/config';
import { inspectRecordingFile, RecordingFileFacts } from './recording-file.inspector';
import { resolveInStore } from './recording-path';
import { InvalidWavError, parseWavHeader } from './wav-header.parser';

/**
 * The recordings store: a folder outside Asterisk's root (RECORDINGS_DIR) that Asterisk writes into
 * through a bind mount (or a shared volume) and that call-control and the api read. Every path is checked
 * to stay inside it.
 */
@Injectable()
export class RecordingStore {
  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'RECORDINGS_DIR'>) {}

  get root(): string {
    return this.config.RECORDINGS_DIR;
  }

  /** Size of the file, or null while it does not exist (MixMonitor renames it into place when done). */
  async sizeOf(relativePath: string): Promise<number | null> {
    try {
      return (await fs.stat(resolveInStore(this.root, relativePath))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Whether the recorder has closed the file: format_wav writes the data size into the header on close,
   * so a header that matches the file's length means finished. Null while the file does not exist.
   */
  async closed(relativePath: string): Promise<boolean | null> {
    let handle;
    try {
      handle = await fs.open(resolveInStore(this.root, relativePath), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const size = (await handle.stat()).size;
      const head = Buffer.alloc(Math.min(size, 512));
      await handle.read(head, 0, head.length, 0);
      try {
        const format = parseWavHeader(head);
        return format.declaredDataBytes === size - format.dataOffset && format.declaredDataBytes > 0;
      } catch (error) {
        if (error instanceof InvalidWavError) return false; // header not written yet
        throw error;
      }
    } finally {
      await handle.close();
    }
  }

  inspect(relativePath: string): Promise<RecordingFileFacts> {
    return inspectRecordingFile(resolveInStore(this.root, relativePath));
  }

  /** Bytes start..end (inclusive) of the file. */
  read(relativePath: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(resolveInStore(this.root, relativePath), range ? { start: range.start, end: range.end } : undefined);
  }
}
