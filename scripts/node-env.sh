# Puts a Node.js >= 22.12 first on PATH, for the shell that sources it (POSIX sh).
# When the machine's Node is older (or missing), Node 24 LTS comes from the npm registry into the
# project's cache, once, and is used from there; the machine's own Node is left alone.
# Usage: . scripts/node-env.sh   (npm's scripts do it through scripts/with-node.sh)
consent_ledger_cache=${CONSENT_LEDGER_CACHE:-$HOME/.cache/consent-ledger}
consent_ledger_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)' 2>/dev/null
}
if ! consent_ledger_node_ok; then
  if [ ! -x "$consent_ledger_cache/node24/node_modules/.bin/node" ]; then
    if command -v node >/dev/null 2>&1; then
      echo "Node.js $(node --version) is older than the 22.12 this project needs: installing Node.js 24 from the npm registry into $consent_ledger_cache/node24 (once)." >&2
    else
      echo "Node.js is missing: installing Node.js 24 from the npm registry into $consent_ledger_cache/node24 (once)." >&2
    fi
    mkdir -p "$consent_ledger_cache/node24"
    # The node package's install script fetches the binary: approved here, and only here.
    printf '%s\n' '{ "private": true, "allowScripts": { "node": true } }' >"$consent_ledger_cache/node24/package.json"
    npm install --prefix "$consent_ledger_cache/node24" --no-save --no-audit --no-fund --loglevel=error node@24 >/dev/null 2>&1 ||
      rm -rf "$consent_ledger_cache/node24"
  fi
  export PATH="$consent_ledger_cache/node24/node_modules/.bin:$PATH"
fi
if ! consent_ledger_node_ok; then
  echo "This project needs Node.js >= 22.12: install Node.js 24 LTS, put it on PATH and run the command again." >&2
  unset -f consent_ledger_node_ok
  unset consent_ledger_cache
  return 1 2>/dev/null || exit 1
fi
unset -f consent_ledger_node_ok
unset consent_ledger_cache
