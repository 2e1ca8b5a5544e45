#!/bin/sh
# Runs a command with a Node.js >= 22.12 first on PATH (scripts/node-env.sh brings Node 24 in when
# the machine's is older), so that `npm start`, `npm test` and the other npm scripts work as written
# on a machine whose Node is 20. Usage: sh scripts/with-node.sh <command> [args...]
. "$(dirname "$0")/node-env.sh" || exit 1
exec "$@"
