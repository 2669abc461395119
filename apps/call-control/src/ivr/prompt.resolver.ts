import { Injectable } from '@nestjs/common';
import type { PromptRef, PromptSpec } from '@hotline/ivr';
import { TtsPromptService } from './tts-prompt.service';

/** Turns a flow's prompt spec into ARI media URIs: sounds as they are, TTS text through the cache. */
@Injectable()
export class PromptResolver {
  constructor(private readonly tts: TtsPromptService) {}

  async media(spec: PromptSpec | undefined): Promise<string[]> {
    if (!spec) return [];
    const refs: PromptRef[] = Array.isArray(spec) ? spec : [spec];
    return Promise.all(refs.map(async (ref) => ('sound' in ref ? `sound:hotline/${ref.sound}` : `sound:${await this.tts.soundFor(ref.tts)}`)));
  }
}
