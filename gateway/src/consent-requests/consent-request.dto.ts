import {
  CATEGORIES,
  CONSENT_REQUEST_STATUSES,
  MSP_ID_PATTERN,
  PATIENT_ID_PATTERN,
  PURPOSES,
  REQUEST_LIMIT_BOUNDS,
  REQUEST_REASONS,
  SENSITIVITY_LABELS,
  type Category,
  type ConsentRequestStatus,
  type Purpose,
  type RequestReason,
  type SensitivityLabel,
} from '@consent-ledger/ledger-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCodeList, IsUtcTimestamp, PageQueryDto } from '../common/dto.js';
import { GranteeDto } from '../consents/grant-consent.dto.js';

/** The consent a request asks for (ledger-api ConsentRequestTerms). */
export class ConsentRequestTermsDto {
  @ApiProperty({
    type: GranteeDto,
    description: "the requester's own organization, optionally a role or practitioner",
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => GranteeDto)
  grantee!: GranteeDto;

  @ApiProperty({ enum: PURPOSES, isArray: true })
  @IsCodeList(PURPOSES)
  purposes!: Purpose[];

  @ApiProperty({ enum: CATEGORIES, isArray: true })
  @IsCodeList(CATEGORIES)
  categories!: Category[];

  @ApiPropertyOptional({
    enum: SENSITIVITY_LABELS,
    isArray: true,
    description: 'sensitive data asked for, each named (absent: none)',
  })
  @IsOptional()
  @IsCodeList(SENSITIVITY_LABELS)
  sensitive?: SensitivityLabel[];

  @ApiPropertyOptional({ format: 'date-time', description: 'the approval when absent' })
  @IsOptional()
  @IsUtcTimestamp()
  validFrom?: string;

  @ApiProperty({ format: 'date-time', description: 'in the future' })
  @IsUtcTimestamp()
  validUntil!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  dataFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  dataUntil?: string;
}

/** POST /consent-requests body: no free text (the reason is a code). */
export class CreateConsentRequestDto {
  @ApiProperty({ example: 'pid-abcdefghijklmnop' })
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId!: string;

  @ApiProperty({ type: ConsentRequestTermsDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentRequestTermsDto)
  terms!: ConsentRequestTermsDto;

  @ApiProperty({ enum: REQUEST_REASONS })
  @IsIn(REQUEST_REASONS)
  reason!: RequestReason;
}

/** GET /consent-requests query. */
export class QueryConsentRequestsDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'pid-abcdefghijklmnop' })
  @IsOptional()
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId?: string;

  @ApiPropertyOptional({ description: 'requester organization (MSP ID)' })
  @IsOptional()
  @Matches(MSP_ID_PATTERN, { message: 'requesterOrg must be an MSP ID' })
  requesterOrg?: string;

  @ApiPropertyOptional({ enum: CONSENT_REQUEST_STATUSES })
  @IsOptional()
  @IsIn(CONSENT_REQUEST_STATUSES)
  status?: ConsentRequestStatus;
}

/** PUT /consent-requests/limits body (the regulator). */
export class RequestLimitsDto {
  @ApiProperty({ minimum: 1, maximum: REQUEST_LIMIT_BOUNDS.maxOpen })
  @IsInt()
  @Min(1)
  @Max(REQUEST_LIMIT_BOUNDS.maxOpen)
  maxOpen!: number;

  @ApiProperty({ minimum: 1, maximum: REQUEST_LIMIT_BOUNDS.maxPerWindow })
  @IsInt()
  @Min(1)
  @Max(REQUEST_LIMIT_BOUNDS.maxPerWindow)
  maxPerWindow!: number;
}
