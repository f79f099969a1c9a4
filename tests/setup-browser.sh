#!/bin/sh
# Installs Debian's chromium for the report test (tests/test_compare_browser.py), if it is missing.
# Playwright drives it through executable_path=/usr/bin/chromium; `playwright install` is never needed.
set -e
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
