#!/bin/sh
# Synthesises the hotline's Mandarin prompts at image build time, with the same commands the dev
# chroot uses (libs/provisioning/src/prompt.generator.ts), so production and tests play the same
# audio: espeak-ng's cmn voice, then sox to 8 kHz mono 16-bit WAV, which Asterisk's format_wav
# plays without resampling on the call path.
# Usage: make-prompts.sh PROMPTS_TSV OUT_DIR   (PROMPTS_TSV: name<TAB>text lines, # comments)
set -eu

usage='usage: make-prompts.sh PROMPTS_TSV OUT_DIR'
tsv=${1:?$usage}
out=${2:?$usage}
fail() { echo "make-prompts: $*" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
tab=$(printf '\t')
count=0
# The "|| [ -n ... ]" keeps a last line that lacks its newline.
while IFS=$tab read -r name text || [ -n "${name:-}" ]; do
  case $name in '' | '#'*) continue ;; esac
  # Names become file names and Playback() arguments: keep them to what Asterisk resolves plainly.
  case $name in *[!a-z0-9-]*) fail "prompt name '$name' must be [a-z0-9-]" ;; esac
  [ -n "$text" ] || fail "prompt '$name' has no text"
  espeak-ng -v cmn -w "$work/$name.raw.wav" "$text"
  sox "$work/$name.raw.wav" -r 8000 -c 1 -b 16 "$work/$name.wav"
  # A WAV header alone is 44 bytes: a file this small means espeak-ng spoke nothing (voice missing).
  [ "$(wc -c < "$work/$name.wav")" -ge 1000 ] || fail "prompt '$name' came out empty"
  mv "$work/$name.wav" "$out/$name.wav"
  count=$((count + 1))
done < "$tsv"

[ "$count" -gt 0 ] || fail "no prompts found in $tsv"
echo "make-prompts: $count prompts written to $out"
