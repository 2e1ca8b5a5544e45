import { Shim } from 'fabric-shim';

/**
 * The loggers fabric-shim 2.5 creates as its modules load (every `getLogger('<name>')` under its
 * lib/, checked by the spec against the installed version); `Shim.newLogger(name)` answers the
 * same instance.
 */
export const SHIM_LOGGERS = [
  'lib/chaincode.js',
  'lib/handler.js',
  'lib/iterators.js',
  'lib/server.js',
  'lib/stub.js',
  'contracts-spi/bootstrap.js',
  'contracts-spi/chaincodefromcontract.js',
  'contracts-spi/datamarshall.js',
  // The `metadata generate` command's (not used when the chaincode runs; listed to be complete).
  '../../../cmds/metadata/lib/generate',
] as const;

/**
 * Drops fabric-shim's log calls below each logger's level before they are formatted. Winston
 * formats every call (timestamp, metadata, colours, printf) and filters by level only in its
 * transport, so each debug line the shim writes per message to and from the peer (hundreds for an
 * audit page of 100 events) cost as much as a printed one, and was then discarded: a fifth of the
 * chaincode's CPU in a profile of audit pages. Levels stay the shim's own
 * (CORE_CHAINCODE_LOGGING_LEVEL, `info` by default); call once, when the chaincode loads.
 */
export function dropShimLogsBelowLevel(): void {
  for (const name of SHIM_LOGGERS) {
    const logger = Shim.newLogger(name);
    for (const level of Object.keys(logger.levels)) {
      if (!logger.isLevelEnabled(level)) {
        Object.defineProperty(logger, level, { value: () => logger, configurable: true });
      }
    }
  }
}
