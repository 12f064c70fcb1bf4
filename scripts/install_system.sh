#!/usr/bin/env bash
# Installs the Debian packages facecoach needs: speech out (espeak-ng, which pyttsx3
# drives), PortAudio for sounddevice, ALSA tools, PulseAudio for null-sink tests, and
# Chromium for the web app's browser tests (Playwright drives it; no browser download).
# As root it installs them; otherwise it prints the one command to run.
set -euo pipefail
packages=(espeak-ng libespeak-ng1 libportaudio2 libasound2 alsa-utils pulseaudio chromium)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "facecoach needs these system packages: ${missing[*]} (no apt-get here; install them with your package manager)" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "facecoach needs system packages. Please run:" >&2
    echo "    sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
