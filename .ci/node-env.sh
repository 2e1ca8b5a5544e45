# Source this file to put Node.js >= 22.12 first on PATH. When the machine's Node is older (or
# missing), Node 24 LTS is installed from the npm registry into the project's cache, once.
# Usage: source .ci/node-env.sh
consent_ledger_cache=${CONSENT_LEDGER_CACHE:-$HOME/.cache/consent-ledger}
consent_ledger_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)'
}
if ! consent_ledger_node_ok; then
  if [ ! -x "$consent_ledger_cache/node24/node_modules/.bin/node" ]; then
    echo "Installing Node.js 24 from the npm registry into $consent_ledger_cache/node24 ..."
    npm install --prefix "$consent_ledger_cache/node24" --no-save --no-audit --no-fund node@24 >/dev/null
  fi
  export PATH="$consent_ledger_cache/node24/node_modules/.bin:$PATH"
fi
consent_ledger_node_ok || { echo "Node.js >= 22.12 is required" >&2; return 1 2>/dev/null || exit 1; }
unset -f consent_ledger_node_ok
unset consent_ledger_cache
