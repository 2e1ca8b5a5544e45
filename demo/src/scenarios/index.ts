import type { ScenarioOptions, ScenarioResult } from '../scenario-kit.ts';
import { insuranceScenario } from './insurance.scenario.ts';
import { oversightScenario } from './oversight.scenario.ts';
import { referralScenario } from './referral.scenario.ts';
import { researchScenario } from './research.scenario.ts';
import { wearableScenario } from './wearable.scenario.ts';

export {
  insuranceScenario,
  oversightScenario,
  referralScenario,
  researchScenario,
  wearableScenario,
};

/** Every scenario by name, in the order the demo runs them. */
export const SCENARIOS: Readonly<
  Record<string, (options: Readonly<ScenarioOptions>) => Promise<ScenarioResult<object>>>
> = {
  referral: referralScenario,
  wearable: wearableScenario,
  research: researchScenario,
  oversight: oversightScenario,
  insurance: insuranceScenario,
};
