#!/usr/bin/env bash
# Debian's chromium + chromedriver for the end-to-end browser test (tests/ui/test_e2e_browser.py).
# Idempotent and never fails its caller: when the browser cannot be installed (not root, no apt,
# no package mirror) it says why and exits 0, and the browser test skips with that reason.
# Browsers come only from the distribution's packages: no downloader of its own is ever run.
set -u

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "install_browser: chromium and chromedriver already installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install_browser: not root, cannot apt-get install chromium; the browser test will skip"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: no apt-get on this machine; the browser test will skip"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "install_browser: installing chromium and chromium-driver from Debian packages"
if ! timeout 300 apt-get update -qq >/dev/null 2>&1; then
    echo "install_browser: apt-get update failed or timed out; trying the cached package lists"
fi
if timeout 600 apt-get install -y -qq --no-install-recommends chromium chromium-driver \
    >/tmp/install_browser.log 2>&1; then
    echo "install_browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
else
    echo "install_browser: apt-get install failed or timed out (log: /tmp/install_browser.log);" \
        "the browser test will skip"
fi
exit 0
