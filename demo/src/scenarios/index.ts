import type { ScenarioOptions, ScenarioResult } from '../scenario-kit.ts';
import { countyReferralScenario } from './county-referral.scenario.ts';
import { institutionsScenario } from './institutions.scenario.ts';
import { insuranceScenario } from './insurance.scenario.ts';
import { oversightScenario } from './oversight.scenario.ts';
import { referralScenario } from './referral.scenario.ts';
import { researchScenario } from './research.scenario.ts';
import { wearableScenario } from './wearable.scenario.ts';

export {
  countyReferralScenario,
  insuranceScenario,
  institutionsScenario,
  oversightScenario,
  referralScenario,
  researchScenario,
  wearableScenario,
};

/**
 * Every scenario by name, in the order the demo runs them. `county` needs the county hospital's
 * gateway: the demo has it join the consortium first when it is not a member (demo/src/cli.ts).
 */
export const SCENARIOS: Readonly<
  Record<string, (options: Readonly<ScenarioOptions>) => Promise<ScenarioResult<object>>>
> = {
  referral: referralScenario,
  wearable: wearableScenario,
  research: researchScenario,
  oversight: oversightScenario,
  insurance: insuranceScenario,
  institutions: institutionsScenario,
  county: countyReferralScenario,
};
