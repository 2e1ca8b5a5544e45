import { ledgerError, type ChaincodeContract } from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { RequestContext } from '../ledger/ledger-context';
import { certificateRole, RequestContract } from '../ledger/ledger-contract';

/** Largest value Put accepts, in bytes of UTF-8. */
export const MAX_BASELINE_VALUE_BYTES = 4096;

/** What Put accepts as a key: 1 to 128 of `[A-Za-z0-9._:-]`. */
const BASELINE_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The benchmark's yardstick: one plain write and one plain read, nothing else, deployed in the
 * same package under the same endorsement policy and taking its inputs the same way (the
 * transient request, decoded by RequestContract), so every other transaction's cost can be
 * reported as a ratio to the cost of a bare Fabric write or read.
 *
 * Put is for operators only: a certificate whose `role` is `admin`, i.e. an organization's Fabric
 * admin (NodeOU `admin`, which network/ enrolls with `role=admin`) or an admin user of a gateway.
 * Everyone else is refused with FORBIDDEN, so no one can bloat the ledger or put free text on it.
 * The check reads the certificate only (no registry lookup), and the key and value are bounded,
 * so a Put stays one PUT_STATE. Get is open to every channel member (the gateways' readiness check
 * reads it).
 */
@Info({ title: 'Baseline', description: 'Plain Put and Get, the benchmark baseline' })
export class BaselineContract
  extends RequestContract
  implements ChaincodeContract<'baseline', RequestContext>
{
  constructor() {
    super('baseline');
  }

  /**
   * Writes a value (at most {@link MAX_BASELINE_VALUE_BYTES} bytes) under a key (1 to 128 of
   * `[A-Za-z0-9._:-]`) of the baseline's own namespace prefix. Admins only: FORBIDDEN otherwise,
   * before the arguments are read; INVALID_ARGUMENT for a bad key or value.
   */
  @Transaction()
  async Put(ctx: RequestContext): Promise<void> {
    if (certificateRole(ctx.clientIdentity) !== 'admin') {
      throw ledgerError('FORBIDDEN', 'only an admin may call baseline:Put');
    }
    const [key, value] = ctx.argsOf('baseline:Put');
    if (!BASELINE_KEY.test(key)) {
      throw ledgerError('INVALID_ARGUMENT', 'key: must be 1 to 128 of [A-Za-z0-9._:-]');
    }
    if (Buffer.byteLength(value, 'utf8') > MAX_BASELINE_VALUE_BYTES) {
      throw ledgerError(
        'INVALID_ARGUMENT',
        `value: larger than ${String(MAX_BASELINE_VALUE_BYTES)} bytes`,
      );
    }
    await ctx.stub.putState(`baseline:${key}`, Buffer.from(value, 'utf8'));
  }

  /** Reads a value written by Put; empty when absent. Open to every channel member. */
  @Transaction(false)
  @Returns('string')
  async Get(ctx: RequestContext): Promise<string> {
    const [key] = ctx.argsOf('baseline:Get');
    const value = await ctx.stub.getState(`baseline:${key}`);
    return Buffer.from(value).toString('utf8');
  }
}
