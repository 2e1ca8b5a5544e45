import { Object as DataType, Property } from 'fabric-contract-api';
import type * as model from './organization.model';
import type { HospitalTier, OrganizationType } from '../ledger/vocabulary';

/** An administrative region: six-digit GB/T 2260 codes, each level inside the one above. */
@DataType()
export class Region implements model.Region {
  @Property('province', 'string')
  readonly province!: string;

  @Property('city', 'string')
  readonly city?: string;

  @Property('county', 'string')
  readonly county?: string;
}

/** An organization of the channel as registered by the government (registry entry). */
@DataType()
export class Organization implements model.Organization {
  @Property('mspId', 'string')
  readonly mspId!: string;

  @Property('type', 'string')
  readonly type!: OrganizationType;

  @Property('tier', 'string')
  readonly tier?: HospitalTier;

  @Property('region', 'Region')
  readonly region!: Region;

  @Property('registeredAt', 'string')
  readonly registeredAt!: string;

  @Property('updatedAt', 'string')
  readonly updatedAt!: string;

  @Property('txId', 'string')
  readonly txId!: string;
}
