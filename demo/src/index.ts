/**
 * @consent-ledger/demo: the platform papers' sharing scenarios, runnable on the live system
 * through the REST gateways. The CLI (`npm run demo`) narrates them; the end-to-end tests run the
 * same functions with a silent narrator and check their results, and make their patients with the
 * same patient kit (patient-device.ts: registration by the home, a key on the patient's device,
 * signed statements).
 */
export {
  SCENARIOS,
  countyReferralScenario,
  insuranceScenario,
  institutionsScenario,
  oversightScenario,
  referralScenario,
  researchScenario,
  wearableScenario,
} from './scenarios/index.ts';
export type { CountyReferralIds } from './scenarios/county-referral.scenario.ts';
export type { InsuranceIds } from './scenarios/insurance.scenario.ts';
export type { InstitutionsIds } from './scenarios/institutions.scenario.ts';
export type { OversightIds } from './scenarios/oversight.scenario.ts';
export type { ReferralIds } from './scenarios/referral.scenario.ts';
export type { ResearchIds } from './scenarios/research.scenario.ts';
export {
  readingDigest,
  type WearableIds,
  type WearableReading,
} from './scenarios/wearable.scenario.ts';
export {
  JOINING_ORG_NAMES,
  MSP,
  ORG_NAMES,
  SCENARIO_PASSWORD,
  consentFor,
  sessionOf,
  type CheckRecord,
  type ConsentTerms,
  type StaffRole,
  type DecisionRecord,
  type AnyOrgName,
  type JoiningOrgName,
  type OrgName,
  type ScenarioOptions,
  type ScenarioResult,
  type ScenarioUser,
} from './scenario-kit.ts';
export { createConsoleNarrator, silentNarrator, type Evidence, type Narrator } from './narrator.ts';
export {
  activateGuardian,
  activatePatient,
  expectAnswer,
  newDevice,
  newDeviceKey,
  proposeGuardian,
  registerPatient,
  type ActivationOptions,
  type DeviceSigner,
  type JsonRequester,
  type PatientDevice,
  type PatientSession,
  type SignOptions,
} from './patient-device.ts';
export {
  GatewayCallError,
  createGatewayClient,
  type ApiRequest,
  type ApiResponse,
  type GatewayClient,
} from './gateway-client.ts';
