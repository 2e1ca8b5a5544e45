import {
  CONSENT_STATUSES,
  MSP_ID_PATTERN,
  PATIENT_ID_PATTERN,
  type ConsentStatus,
} from '@consent-ledger/ledger-api';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../common/dto.js';

/** GET /consents query. */
export class QueryConsentsDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'pid-abcdefghijklmnop' })
  @IsOptional()
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId?: string;

  @ApiPropertyOptional({
    description: 'grantee organization (MSP ID)',
    example: 'CommunityHospitalMSP',
  })
  @IsOptional()
  @Matches(MSP_ID_PATTERN, { message: 'grantee must be an MSP ID' })
  grantee?: string;

  @ApiPropertyOptional({ enum: CONSENT_STATUSES })
  @IsOptional()
  @IsIn(CONSENT_STATUSES)
  status?: ConsentStatus;
}
