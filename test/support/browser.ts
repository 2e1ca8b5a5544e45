import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import i18next from 'i18next';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { expect } from 'vitest';
import {
  BINDING_CHANGES,
  CATEGORIES,
  CONSENT_CHANGES,
  CONSENT_STATUSES,
  DECISIONS,
  DECISION_REASONS,
  EMERGENCY_REASON_CODES,
  GATEWAY_ERROR_CODES,
  GRANTEE_ROLES,
  GUARDIAN_RELATIONSHIPS,
  LEDGER_ERROR_CODES,
  ORGANIZATION_TYPES,
  PROVISIONS,
  PURPOSES,
  REFERRAL_STATUSES,
  REGION_LEVELS,
  REVIEW_OUTCOMES,
  ROLES,
  exportKeyFile,
  generatePatientKey,
  importKeyFile,
  signAction,
  type AccessToken,
  type EnrolmentAnswer,
  type GuardianEnrolmentAnswer,
  type GuardianProposalRequest,
  type LedgerInfo,
  type PatientActionName,
  type PatientActions,
  type PatientKey,
  type PatientRegistrationRequest,
  type PatientView,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { loadTopology, repoRoot } from '@consent-ledger/network';
import { en } from '../../web/src/i18n/messages.en.ts';
import { zhCN } from '../../web/src/i18n/messages.zh-cn.ts';
import { startGatewayInProcess } from './gateway-app.ts';
import { GatewayApi, gatewayBase } from './gateways.ts';

/** The web app's languages: zh-CN is what a new visitor gets. */
export type AppLanguage = 'zh-CN' | 'en';

/** Every key path of the web app's catalogue (`login.submit`, `reason.NO_MATCHING_CONSENT`). */
type KeyOf<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${KeyOf<T[K]>}`;
}[keyof T & string];
/** A message of the web app's catalogue. */
export type MessageKey = KeyOf<typeof zhCN>;

/** The words of the web app in one language: tests find what people read, in their language. */
export type Words = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

/**
 * The web app's own catalogue (web/src/i18n) in `language`, through i18next as the app uses it;
 * a key the catalogue lacks throws instead of reading as the key.
 */
export function wordsIn(language: AppLanguage): Words {
  const instance = i18next.createInstance();
  void instance.init({
    lng: language,
    fallbackLng: false,
    initAsync: false,
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
  // Keys are checked by MessageKey here; i18next's own key typing is the web app's.
  const translate = instance.t.bind(instance) as unknown as (key: string, values: object) => string;
  return (key, values) => {
    if (!instance.exists(key)) throw new Error(`the web app has no message ${key}`);
    return translate(key, { ...values });
  };
}

/**
 * A message as a regular expression: its text matched literally, each placeholder by the
 * expression given for it (`{ count: '\\d+' }`).
 */
export function wordsPattern(
  words: Words,
  key: MessageKey,
  placeholders: Readonly<Record<string, string>>,
): RegExp {
  const markers = Object.fromEntries(
    Object.keys(placeholders).map((name) => [name, `\u0000${name}\u0000`]),
  );
  let source = words(key, markers).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const [name, expression] of Object.entries(placeholders))
    source = source.replaceAll(`\u0000${name}\u0000`, `(?:${expression})`);
  return new RegExp(source);
}

/** The language the page shows (its `<html lang>`). */
export async function languageOf(page: Page): Promise<AppLanguage> {
  const lang = await page.evaluate<string>('document.documentElement.lang');
  return lang === 'en' ? 'en' : 'zh-CN';
}

/** Switches the page's language with its language switch and waits for `<html lang>`. */
export async function switchLanguage(page: Page, language: AppLanguage): Promise<void> {
  const words = wordsIn(language);
  await page
    .getByRole('group', { name: wordsIn(await languageOf(page))('lang.label') })
    .getByRole('button', { name: words(`lang.${language}`) })
    .click();
  await page.waitForFunction(`document.documentElement.lang === ${JSON.stringify(language)}`);
}

const topology = loadTopology();

/**
 * Every code the web app must word rather than show: the ledger's vocabularies (ledger-api),
 * every error code a gateway answers with, verification results, the network's MSP IDs and the
 * GB/T 2260 region codes of the topology.
 */
export const VOCABULARY_CODES: readonly string[] = [
  ...new Set<string>([
    ...DECISIONS,
    ...DECISION_REASONS,
    ...PURPOSES,
    ...CATEGORIES,
    ...ROLES,
    ...GRANTEE_ROLES,
    ...ORGANIZATION_TYPES,
    ...PROVISIONS,
    ...CONSENT_STATUSES,
    ...CONSENT_CHANGES,
    ...REFERRAL_STATUSES,
    ...EMERGENCY_REASON_CODES,
    ...REVIEW_OUTCOMES,
    ...REGION_LEVELS,
    ...GUARDIAN_RELATIONSHIPS,
    ...BINDING_CHANGES,
    ...LEDGER_ERROR_CODES,
    ...GATEWAY_ERROR_CODES,
    'MATCH',
    'HASH_MISMATCH',
    ...topology.organizations.flatMap((org) => [org.mspId, ...Object.values(org.region)]),
  ]),
];

/**
 * A code that cannot be an ordinary English word: upper case (NO_MATCHING_CONSENT), an MSP ID, a
 * hyphenated code (public-health) or a region number. In English text only these are looked for
 * ("treatment" is a word there); in Chinese text every code is.
 */
const codeShaped = (code: string): boolean => /[A-Z_\d-]/.test(code);

/**
 * The raw codes the page shows as visible text (document.body.innerText: what is folded away in
 * a closed <details> does not count, nor an opened technical-details fold), as whole tokens;
 * `except` are texts that are the user's own data (a username) and are removed first.
 */
export async function rawCodesShown(page: Page, except: readonly string[] = []): Promise<string[]> {
  // An opened technical-details fold shows codes on purpose (the exact statement, error codes).
  let text = await page.evaluate<string>(`(() => {
    let text = document.body.innerText;
    for (const fold of document.querySelectorAll('details.technical[open]'))
      text = text.replace(fold.innerText, ' ');
    return text;
  })()`);
  for (const allowed of except) text = text.replaceAll(allowed, ' ');
  const english = (await languageOf(page)) === 'en';
  return VOCABULARY_CODES.filter((code) => !english || codeShaped(code)).filter((code) =>
    new RegExp(`(?<![\\w-])${code}(?![\\w-])`).test(text),
  );
}

/** Asserts that the page shows no raw code of the vocabularies or error codes. */
export async function expectNoRawCodes(
  page: Page,
  where: string,
  except: readonly string[] = [],
): Promise<void> {
  expect(await rawCodesShown(page, except), `raw codes shown on ${where}`).toEqual([]);
}

/**
 * One page in both languages: no raw code in either, a screenshot of each
 * (test-results/browser/<name>.<language>.png), and back to the language it was in; with a modal
 * dialog open, only in the current language.
 */
export async function checkPageInBothLanguages(
  page: Page,
  name: string,
  except: readonly string[] = [],
): Promise<void> {
  const first = await languageOf(page);
  const other: AppLanguage = first === 'en' ? 'zh-CN' : 'en';
  await expectNoRawCodes(page, `${name} (${first})`, except);
  await expectTypeScale(page, `${name} (${first})`);
  await screenshot(page, `${name}.${first}`);
  // A modal dialog makes the page behind it (and its language switch) inert: the dialog is
  // checked in the language it opened in, the page under it in both.
  if (await page.evaluate<boolean>(`document.querySelector('dialog[open]') !== null`)) return;
  await switchLanguage(page, other);
  await expectNoRawCodes(page, `${name} (${other})`, except);
  await screenshot(page, `${name}.${other}`);
  await switchLanguage(page, first);
}

/** The web app's type scale in CSS pixels (styles.css `--step-*`: 0.75, 0.875, 1, 1.25, 1.5 rem). */
export const TYPE_SCALE = [12, 14, 16, 20, 24] as const;

/**
 * The font sizes of the text a page shows, in CSS pixels as drawn (an SVG's text scaled with its
 * drawing), each with an example of its text; text the page shows only inside an opened
 * technical-details fold counts too.
 */
export async function typeSizesShown(page: Page): Promise<Record<string, string>> {
  return page.evaluate<Record<string, string>>(`(() => {
    const sizes = {};
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const element = node.parentElement;
      if (text === '' || element === null || element.getClientRects().length === 0) continue;
      if (element.closest('[hidden], .visually-hidden, template, script, style, title') !== null) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const svg = element.closest('svg');
      const scale =
        svg === null || svg.viewBox.baseVal === null || svg.viewBox.baseVal.width === 0
          ? 1
          : svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const size = String(Math.round(parseFloat(style.fontSize) * scale * 10) / 10);
      sizes[size] ??= text.slice(0, 40);
    }
    return sizes;
  })()`);
}

/** Asserts that every text the page shows is set in a size of the type scale. */
export async function expectTypeScale(page: Page, where: string): Promise<void> {
  const sizes = await typeSizesShown(page);
  const allowed: readonly string[] = TYPE_SCALE.map(String);
  const outside = Object.entries(sizes).filter(([size]) => !allowed.includes(size));
  expect(Object.fromEntries(outside), `text outside the type scale on ${where}`).toEqual({});
}

/** Where screenshots go (gitignored). */
export const SCREENSHOT_DIR = path.join(repoRoot, 'test-results', 'browser');

/** A gateway that serves the web app: the running one, or one started in this process. */
export interface AppGateway {
  readonly base: string;
  readonly api: GatewayApi;
  /** The bootstrap admin's token at this gateway. */
  readonly adminToken: string;
  /** Whether it was started in this process (the running gateway serves an older build). */
  readonly inProcess: boolean;
  close(): Promise<void>;
}

async function servesApp(base: string): Promise<boolean> {
  try {
    const response = await fetch(`${base}/app/`, { signal: AbortSignal.timeout(5000) });
    return response.ok && (response.headers.get('content-type') ?? '').startsWith('text/html');
  } catch {
    return false;
  }
}

/**
 * An organization's gateway serving web/dist at /app/: the running gateway when it does (a
 * build with the web app), otherwise an in-process gateway of the same organization (its own
 * data directory, the real CA and peer) started for the test. Builds web/dist when missing.
 */
export async function appGateway(orgName: string): Promise<AppGateway> {
  if (!existsSync(path.join(repoRoot, 'web', 'dist', 'index.html')))
    execFileSync('npm', ['run', 'build', '-w', '@consent-ledger/web'], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
  const running = gatewayBase(orgName);
  if (await servesApp(running)) {
    const api = new GatewayApi(running);
    return {
      base: running,
      api,
      adminToken: await api.loginAdmin(orgName),
      inProcess: false,
      close: () => Promise.resolve(),
    };
  }
  const gateway = await startGatewayInProcess(orgName);
  const api = new GatewayApi(gateway.base);
  return {
    base: gateway.base,
    api,
    adminToken: await api.login(gateway.admin.username, gateway.admin.password),
    inProcess: true,
    close: () => gateway.close(),
  };
}

/** Debian's Chromium, headless (CHROMIUM_PATH overrides the path). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
  });
}

/** A phone-sized viewport (an iPhone 12-15 in CSS pixels). */
export const PHONE = { width: 390, height: 844 } as const;

/**
 * A new page in a new context; collects the page's console errors and failed requests, so a
 * test can assert that none happened (a CSP violation is a console error).
 */
export async function newPage(
  browser: Browser,
  options: Readonly<{
    viewport?: { width: number; height: number };
    /** The language the app starts in: zh-CN (a new visitor's) unless chosen here. */
    language?: AppLanguage;
  }> = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  if (options.language === 'en')
    // As if chosen on an earlier visit: a switch during the test still wins.
    await context.addInitScript(
      `if (localStorage.getItem('consent-ledger.language') === null) localStorage.setItem('consent-ledger.language', 'en');`,
    );
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error')
      problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => {
    problems.push(`page error: ${error.message}`);
  });
  return { context, page, problems };
}

/** Saves a full-page screenshot as test-results/browser/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** One accessibility violation axe-core found. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/** axe-core's run in the page, reduced to what a failure message needs. */
const AXE_RUN = `axe
  .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
  .then((result) => result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  })))`;

/**
 * Runs axe-core (WCAG 2.x A and AA rules) in the page, evaluated through the DevTools protocol
 * (so the page's CSP stays on), and asserts there is no serious or critical violation. (The
 * page-side code is given as strings: the tests' tsconfig has no DOM library.)
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate<AxeViolation[]>(AXE_RUN);
  const serious = violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  expect(serious, `accessibility of ${where}`).toEqual([]);
}

/** Asserts that the page does not scroll sideways (its content fits the viewport's width). */
export async function expectNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  const widths = await page.evaluate<{ scroll: number; client: number }>(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  );
  expect(widths.scroll, `horizontal overflow of ${where}`).toBeLessThanOrEqual(widths.client);
}

/** An attribute of the focused element (null when it has none). */
export function focusedAttribute(page: Page, name: string): Promise<string | null> {
  return page.evaluate<string | null>(
    `document.activeElement?.getAttribute(${JSON.stringify(name)}) ?? null`,
  );
}

/** The text of the focused element. */
export function focusedText(page: Page): Promise<string | null> {
  return page.evaluate<string | null>('document.activeElement?.textContent ?? null');
}

/** A computed style property of the first element matching `selector`. */
export function computedStyle(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate<string>(
    `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`,
  );
}

/** Logs in through the login form with the keyboard only (Tab, typing, Enter). */
export async function loginWithKeyboard(
  page: Page,
  base: string,
  user: Readonly<{ username: string; password: string }>,
): Promise<void> {
  await page.goto(`${base}/app/`);
  const words = wordsIn(await languageOf(page));
  await page.getByRole('heading', { name: words('login.title') }).waitFor();
  // Tab past the language switch's buttons (one per language) to the username.
  for (let presses = 0; presses < 3; presses += 1) {
    await page.keyboard.press('Tab');
    if ((await focusedAttribute(page, 'name')) === 'username') break;
  }
  expect(await focusedAttribute(page, 'name')).toBe('username');
  await page.keyboard.type(user.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: words('app.signOut') }).waitFor();
}

/** Logs in through the login form. */
export async function login(
  page: Page,
  base: string,
  user: Readonly<{ username: string; password: string }>,
): Promise<void> {
  await page.goto(`${base}/app/`);
  const words = wordsIn(await languageOf(page));
  await page.getByLabel(words('login.username')).fill(user.username);
  await page.getByLabel(words('login.password')).fill(user.password);
  await page.getByRole('button', { name: words('login.submit'), exact: true }).click();
  await page.getByRole('button', { name: words('app.signOut') }).waitFor();
}

/** Drops a file with `content` on an element, as a drag from the desktop would. */
export async function dropFile(
  page: Page,
  selector: string,
  file: Readonly<{ name: string; content: string }>,
): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    `(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([${JSON.stringify(file.content)}], ${JSON.stringify(file.name)}, { type: 'text/plain' }));
      return transfer;
    })()`,
  );
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

/**
 * Follows a navigation link and waits for the new view's heading. Views share field labels
 * (both the anchor and the verify forms have "Record ID"), and the hash change renders after the
 * click returns: filling a field before the heading shows can fill the previous view's field.
 */
export async function goTo(page: Page, link: string, heading: string = link): Promise<void> {
  await page.getByRole('link', { name: link }).first().click();
  await page.getByRole('heading', { name: heading, exact: true }).waitFor();
}

/**
 * Waits for the element with `testId` to show; if the view shows an error instead, fails at
 * once with that error's text rather than waiting for the locator's timeout.
 */
export async function waitForResult(page: Page, testId: string): Promise<void> {
  const result = page.getByTestId(testId);
  const error = page.locator('[role="alert"] .error');
  await result.or(error).first().waitFor();
  if (await result.isVisible()) return;
  throw new Error(
    `the view showed an error instead of ${testId}: ${await error.first().textContent()}`,
  );
}

/** Throws with the answer's text unless the gateway answered `expected`. */
function expectStatus(
  what: string,
  response: Readonly<{ status: number; text: string }>,
  expected: readonly number[],
): void {
  if (!expected.includes(response.status))
    throw new Error(`${what}: ${String(response.status)} ${response.text}`);
}

/** What a gateway's ledger is (GET /ledger, no token). */
export async function ledgerInfoOf(api: GatewayApi): Promise<LedgerInfo> {
  const response = await api.get<LedgerInfo>('/ledger');
  expectStatus('GET /ledger', response, [200]);
  return response.body;
}

/** Registers a patient at the admin's organization (POST /patients): the pseudonym and code. */
export async function registerPatientByApi(
  api: GatewayApi,
  adminToken: string,
  body: PatientRegistrationRequest = {},
): Promise<EnrolmentAnswer> {
  const response = await api.post<EnrolmentAnswer>('/patients', { token: adminToken, body });
  expectStatus('POST /patients', response, [201]);
  return response.body;
}

/** A patient who holds their key in this test process (as a script does, with a key file). */
export interface KeyHolder {
  readonly patientId: string;
  readonly username: string;
  readonly password: string;
  /** A session token at the home gateway (from the activation). */
  readonly token: string;
  readonly key: PatientKey;
  /** Signs an action as this patient for the home gateway's ledger, valid five minutes from now. */
  sign<A extends PatientActionName>(
    action: A,
    payload: PatientActions[A],
  ): Promise<SignedAction<A>>;
}

/**
 * Activates a registered patient through the REST API (POST /patients/activate) with a key made
 * here by ledger-api's patient client; with `keyFile`, the key is read from that PKCS#8 file if it
 * exists, otherwise made and written there (0600), as the demo and the benchmark keep theirs.
 */
export async function activatePatientByApi(
  api: GatewayApi,
  options: Readonly<{
    patientId: string;
    enrolmentCode: string;
    username: string;
    password: string;
    keyFile?: string;
  }>,
): Promise<KeyHolder> {
  let key: PatientKey;
  if (options.keyFile !== undefined && existsSync(options.keyFile))
    key = await importKeyFile(readFileSync(options.keyFile, 'utf8'));
  else {
    key = await generatePatientKey({ extractable: true });
    if (options.keyFile !== undefined)
      writeFileSync(options.keyFile, await exportKeyFile(key), { mode: 0o600 });
  }
  const ledger = await ledgerInfoOf(api);
  const sign = <A extends PatientActionName>(
    action: A,
    payload: PatientActions[A],
  ): Promise<SignedAction<A>> =>
    signAction(key, {
      action,
      channel: ledger.channel,
      chaincode: ledger.chaincode,
      patientId: options.patientId,
      signer: { kind: 'patient', id: options.patientId },
      payload,
      now: new Date(),
    });
  const response = await api.post<AccessToken>('/patients/activate', {
    body: {
      username: options.username,
      password: options.password,
      action: await sign('patient:ActivatePatient', {
        publicKey: key.publicKey,
        enrolmentCode: options.enrolmentCode,
      }),
    },
  });
  expectStatus(`activate ${options.patientId}`, response, [200, 201]);
  return {
    patientId: options.patientId,
    username: options.username,
    password: options.password,
    token: response.body.accessToken,
    key,
    sign,
  };
}

/** Registers (as the organization's admin) and activates a patient through the REST API. */
export async function newPatientByApi(
  api: GatewayApi,
  adminToken: string,
  user: Readonly<{ username: string; password: string; keyFile?: string }>,
): Promise<KeyHolder> {
  const { patientId, enrolmentCode } = await registerPatientByApi(api, adminToken);
  return activatePatientByApi(api, { ...user, patientId, enrolmentCode });
}

/** Proposes a guardian for a patient (the home organization's admin): the guardian's code. */
export async function proposeGuardianByApi(
  api: GatewayApi,
  adminToken: string,
  options: Readonly<{ patientId: string } & GuardianProposalRequest>,
): Promise<GuardianEnrolmentAnswer> {
  const { patientId, ...body } = options;
  const response = await api.post<GuardianEnrolmentAnswer>(`/patients/${patientId}/guardians`, {
    token: adminToken,
    body,
  });
  expectStatus('POST /patients/:patientId/guardians', response, [201]);
  return response.body;
}

/** A patient's binding, history and erasures (GET /patients/me, or /patients/:id for staff). */
export async function patientViewByApi(
  api: GatewayApi,
  token: string,
  patientId?: string,
): Promise<PatientView> {
  const response = await api.get<PatientView>(
    patientId === undefined ? '/patients/me' : `/patients/${patientId}`,
    token,
  );
  expectStatus('GET patient view', response, [200]);
  return response.body;
}

/**
 * The key this browser page keeps for a signer slot (web/src/device-key.ts: IndexedDB
 * `consent-ledger`, store `device-keys`), and what exporting its private key does: a page-side
 * check that the key is non-extractable. Null when the page holds no key for the slot.
 */
export function deviceKeyInPage(
  page: Page,
  slot: string,
): Promise<{
  keyId: string;
  publicKey: string;
  extractable: boolean;
  algorithm: string;
  /** `exported` if pkcs8 export worked (it must not), else the error's name. */
  exportPkcs8: string;
} | null> {
  return page.evaluate(`(async () => {
    // Never create the database here (the app creates it, with its store): abort a new one.
    const db = await new Promise((resolve) => {
      const request = indexedDB.open('consent-ledger');
      request.onupgradeneeded = () => request.transaction.abort();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
    });
    if (db === null) return null;
    if (!db.objectStoreNames.contains('device-keys')) {
      db.close();
      return null;
    }
    const record = await new Promise((resolve, reject) => {
      const request = db.transaction('device-keys', 'readonly').objectStore('device-keys').get(${JSON.stringify(slot)});
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    if (record === undefined) return null;
    const exportPkcs8 = await crypto.subtle.exportKey('pkcs8', record.privateKey).then(
      () => 'exported',
      (error) => error.name,
    );
    return {
      keyId: record.keyId,
      publicKey: record.publicKey,
      extractable: record.privateKey.extractable,
      algorithm: record.privateKey.algorithm.name + ' ' + record.privateKey.algorithm.namedCurve,
      exportPkcs8,
    };
  })()`);
}

/** The text of each page of a PDF as a reader extracts it (pdfjs-dist), a page's pieces by lines. */
export async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({ data: pdf.slice() });
  const doc = await task.promise;
  const pages: string[] = [];
  for (let number = 1; number <= doc.numPages; number += 1) {
    const content = await (await doc.getPage(number)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('\n'));
  }
  await task.destroy();
  return pages;
}

/** What clicking a download button saves: its file name and bytes. */
export async function downloadOf(
  page: Page,
  button: Locator,
): Promise<{ name: string; bytes: Uint8Array }> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: new Uint8Array(readFileSync(file)) };
}
