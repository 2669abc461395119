import { InvalidWavError, parseWavHeader, wavDurationMs } from './wav-header.parser';

/** The 44-byte header MixMonitor writes: PCM, 8 kHz, mono, 16 bit. */
function header(dataBytes: number): Buffer {
  const buffer = Buffer.alloc(44);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataBytes, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(8000, 24);
  buffer.writeUInt32LE(16000, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataBytes, 40);
  return buffer;
}

describe('WAV header', () => {
  it('measures a closed MixMonitor file by its data chunk', () => {
    const format = parseWavHeader(header(112_320));
    expect(format).toEqual({ sampleRate: 8000, channels: 1, bitsPerSample: 16, dataOffset: 44, declaredDataBytes: 112_320 });
    expect(wavDurationMs(format, 44 + 112_320)).toBe(7_020);
  });

  it('measures an unclosed file (header still says 0) by its size', () => {
    expect(wavDurationMs(parseWavHeader(header(0)), 44 + 16_000)).toBe(1_000);
  });

  it('refuses what is not a WAV file', () => {
    expect(() => parseWavHeader(Buffer.from('ID3 not a wav at all, but long enough'))).toThrow(InvalidWavError);
  });
});
