import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { PatientsController } from './patients.controller.js';
import { PatientsService } from './patients.service.js';

/** Patients and guardians who hold their own keys: registration, activation, devices, recovery. */
@Module({
  imports: [LedgerModule, IdentitiesModule, AuthModule],
  controllers: [PatientsController],
  providers: [PatientsService],
})
export class PatientsModule {}
