import {
  GUARDIAN_ID_PATTERN,
  PATIENT_ID_PATTERN,
  type AccessToken,
  type BindingWrite,
  type EnrolmentAnswer,
  type GuardianEnrolmentAnswer,
  type LedgerInfo,
  type PatientView,
} from '@consent-ledger/ledger-api';
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Authorize, CurrentUser, Public, Roles } from '../auth/auth.decorators.js';
import { SignInRateGuard } from '../auth/sign-in-rate.guard.js';
import { patientSessionOf, type Principal } from '../auth/principal.js';
import { idPipe } from '../common/id.pipe.js';
import { AnsweredOnce } from '../idempotency/idempotency.interceptor.js';
import {
  GuardianActivationDto,
  GuardianProposalDto,
  PatientActivationDto,
  PatientRegistrationDto,
  SignedActionRequestDto,
} from './patients.dto.js';
import { PatientsService } from './patients.service.js';

const patientIdPipe = idPipe(PATIENT_ID_PATTERN, 'patient pseudonym');
const guardianIdPipe = idPipe(GUARDIAN_ID_PATTERN, 'guardian ID');

/**
 * Patients who hold their own keys, and their guardians (docs/patient-keys.md): registration and
 * recovery by the home organization's admins, approvals by the regulator, first sign-ins on the
 * patient's device (no token: the enrolment code and the new key's signature prove it), devices.
 */
@ApiTags('patients')
@ApiBearerAuth()
@Controller()
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  /** The channel and chaincode a device signs its statements for (open). */
  @Get('ledger')
  @Public()
  @ApiOkResponse({ description: '{channel, chaincode, mspId}' })
  ledger(): LedgerInfo {
    return this.patients.ledgerInfo();
  }

  /** Registers a patient at this organization: a new pseudonym and its one-time code (home admins). */
  @Post('patients')
  @Authorize('patient:RegisterPatient')
  @AnsweredOnce()
  @ApiCreatedResponse({ description: '{patientId, enrolmentCode, txId}: the code is shown once' })
  register(
    @CurrentUser() caller: Principal,
    @Body() body: PatientRegistrationDto,
  ): Promise<EnrolmentAnswer> {
    return this.patients.register(caller, body);
  }

  /** A patient's first sign-in on a device: binds its key, opens the session account (no token). */
  @Post('patients/activate')
  @Public()
  @UseGuards(SignInRateGuard)
  @ApiCreatedResponse({ description: 'an access token of the new session account' })
  @ApiTooManyRequestsResponse({ description: 'too many attempts' })
  activate(@Body() body: PatientActivationDto): Promise<AccessToken> {
    return this.patients.activate(body);
  }

  /** A guardian's first sign-in: binds the guardian's key, opens the session account (no token). */
  @Post('guardians/activate')
  @Public()
  @UseGuards(SignInRateGuard)
  @ApiCreatedResponse({ description: 'an access token of the new session account' })
  @ApiTooManyRequestsResponse({ description: 'too many attempts' })
  activateGuardian(@Body() body: GuardianActivationDto): Promise<AccessToken> {
    return this.patients.activateGuardian(body);
  }

  /** The session's patient: keys, guardians, every change of the binding, erasures. */
  @Get('patients/me')
  @Roles('patient')
  @ApiOkResponse({ description: '{binding, history, erasures}' })
  me(@CurrentUser() caller: Principal): Promise<PatientView> {
    return this.patients.me(patientSessionOf(caller));
  }

  /** Adds a device's key (a statement signed with a bound key). */
  @Post('patients/me/devices')
  @Roles('patient')
  @ApiCreatedResponse({ description: '{patientId, txId, binding}' })
  addDevice(
    @CurrentUser() caller: Principal,
    @Body() body: SignedActionRequestDto,
  ): Promise<BindingWrite> {
    return this.patients.addDevice(patientSessionOf(caller), body.action);
  }

  /** Stops a device's key (a statement signed with a bound key). */
  @Post('patients/me/devices/remove')
  @HttpCode(200)
  @Roles('patient')
  @ApiOkResponse({ description: '{patientId, txId, binding}' })
  removeDevice(
    @CurrentUser() caller: Principal,
    @Body() body: SignedActionRequestDto,
  ): Promise<BindingWrite> {
    return this.patients.removeDevice(patientSessionOf(caller), body.action);
  }

  /** A patient (the home organization's admins, the regulator). */
  @Get('patients/:patientId')
  @Authorize('patient:GetBinding')
  @ApiOkResponse({ description: '{binding, history, erasures}' })
  view(
    @CurrentUser() caller: Principal,
    @Param('patientId', patientIdPipe) patientId: string,
  ): Promise<PatientView> {
    return this.patients.view(caller, patientId);
  }

  /** Asks for a lost key's replacement after an in-person check: a new code (home admins). */
  @Post('patients/:patientId/recovery')
  @Authorize('patient:RequestRecovery')
  @AnsweredOnce()
  @ApiCreatedResponse({ description: '{patientId, enrolmentCode, txId}: the code is shown once' })
  requestRecovery(
    @CurrentUser() caller: Principal,
    @Param('patientId', patientIdPipe) patientId: string,
  ): Promise<EnrolmentAnswer> {
    return this.patients.requestRecovery(caller, patientId);
  }

  /** Approves a recovery: every bound key stops at once (the regulator). */
  @Post('patients/:patientId/recovery/approve')
  @HttpCode(200)
  @Authorize('patient:ApproveRecovery')
  @ApiOkResponse({ description: '{patientId, txId, binding}' })
  approveRecovery(
    @CurrentUser() caller: Principal,
    @Param('patientId', patientIdPipe) patientId: string,
  ): Promise<BindingWrite> {
    return this.patients.approveRecovery(caller, patientId);
  }

  /** Proposes a guardian for a period: the guardian's ID and one-time code (home admins). */
  @Post('patients/:patientId/guardians')
  @Authorize('patient:ProposeGuardian')
  @AnsweredOnce()
  @ApiCreatedResponse({
    description: '{patientId, guardianId, enrolmentCode, txId}: the code is shown once',
  })
  proposeGuardian(
    @CurrentUser() caller: Principal,
    @Param('patientId', patientIdPipe) patientId: string,
    @Body() body: GuardianProposalDto,
  ): Promise<GuardianEnrolmentAnswer> {
    return this.patients.proposeGuardian(caller, patientId, body);
  }

  /** Approves a proposed guardian (the regulator). */
  @Post('patients/:patientId/guardians/:guardianId/approve')
  @HttpCode(200)
  @Authorize('patient:ApproveGuardian')
  @ApiOkResponse({ description: '{patientId, txId, binding}' })
  approveGuardian(
    @CurrentUser() caller: Principal,
    @Param('patientId', patientIdPipe) patientId: string,
    @Param('guardianId', guardianIdPipe) guardianId: string,
  ): Promise<BindingWrite> {
    return this.patients.approveGuardian(caller, patientId, guardianId);
  }

  /** Ends a guardianship before its time (the regulator). */
  @Post('patients/:patientId/guardians/:guardianId/end')
  @HttpCode(200)
  @Authorize('patient:EndGuardianship')
  @ApiOkResponse({ description: '{patientId, txId, binding}' })
  endGuardianship(
    @CurrentUser() caller: Principal,
    @Param('patientId', patientIdPipe) patientId: string,
    @Param('guardianId', guardianIdPipe) guardianId: string,
  ): Promise<BindingWrite> {
    return this.patients.endGuardianship(caller, patientId, guardianId);
  }
}
