import * as contractApiLogger from 'fabric-contract-api/lib/logger.js';
import * as shimLogger from 'fabric-shim/lib/logger.js';

// fabric-shim and fabric-contract-api log every decorator and every failed transaction to the
// console through one shared winston transport each; silence them for tests. Imported first by
// the harness so that it runs before any contract module is decorated.
for (const logger of [shimLogger.getLogger('tests'), contractApiLogger.getLogger('tests')]) {
  for (const transport of logger.transports) transport.silent = true;
}
