import {
  CATEGORIES,
  GRANTEE_ROLES,
  INSTITUTION_ID_PATTERN,
  MSP_ID_PATTERN,
  PRACTITIONER_ID_PATTERN,
  PROVISIONS,
  PURPOSES,
  SENSITIVITY_LABELS,
  type Category,
  type GranteeRole,
  type Provision,
  type Purpose,
  type SensitivityLabel,
} from '@consent-ledger/ledger-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsOptional,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCodeList, IsUtcTimestamp } from '../common/dto.js';
import { NoticeRefDto } from '../notices/notice.dto.js';

/** Who is granted (or denied). */
export class GranteeDto {
  @ApiPropertyOptional({ example: 'CommunityHospitalMSP', description: 'required for a permit' })
  @IsOptional()
  @Matches(MSP_ID_PATTERN, { message: 'grantee.org must be an MSP ID' })
  org?: string;

  @ApiPropertyOptional({ enum: GRANTEE_ROLES })
  @IsOptional()
  @IsIn(GRANTEE_ROLES)
  role?: GranteeRole;

  @ApiPropertyOptional({ example: 'prac-12345678' })
  @IsOptional()
  @Matches(PRACTITIONER_ID_PATTERN, {
    message: 'practitionerId must be prac- and 8 to 32 of [a-z0-9]',
  })
  practitionerId?: string;

  @ApiPropertyOptional({
    example: 'inst-insurer01',
    description:
      'a member institution of the grantee organization (registry): only its staff match; needs org',
  })
  @IsOptional()
  @Matches(INSTITUTION_ID_PATTERN, {
    message: 'grantee.institution must be inst- and 4 to 32 of [a-z0-9]',
  })
  institution?: string;
}

/** A deny provision inside a permit. */
export class ConsentExceptionDto {
  @ApiPropertyOptional({ enum: PURPOSES, isArray: true, description: 'absent = all' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(PURPOSES, { each: true })
  purposes?: Purpose[];

  @ApiPropertyOptional({ enum: CATEGORIES, isArray: true, description: 'absent = all' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(CATEGORIES, { each: true })
  categories?: Category[];

  @ApiPropertyOptional({
    enum: SENSITIVITY_LABELS,
    isArray: true,
    description: 'absent = any data, labelled or not; given = only data carrying one of them',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SENSITIVITY_LABELS, { each: true })
  sensitive?: SensitivityLabel[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  dataFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  dataUntil?: string;

  @ApiPropertyOptional({ type: GranteeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GranteeDto)
  grantee?: GranteeDto;
}

/** POST /consents body (and PUT /consents/:id): a FHIR-like consent, no free text. */
export class GrantConsentDto {
  @ApiPropertyOptional({ enum: PROVISIONS, default: 'permit' })
  @IsOptional()
  @IsIn(PROVISIONS)
  provision?: Provision;

  @ApiProperty({
    type: GranteeDto,
    description: 'required for a permit; a deny without one applies to everyone',
  })
  @ValidateIf((dto: GrantConsentDto) => dto.provision !== 'deny' || dto.grantee !== undefined)
  @IsDefined()
  @ValidateNested()
  @Type(() => GranteeDto)
  grantee?: GranteeDto;

  @ApiProperty({ enum: PURPOSES, isArray: true })
  @ValidateIf((dto: GrantConsentDto) => dto.provision !== 'deny' || dto.purposes !== undefined)
  @IsCodeList(PURPOSES)
  purposes?: Purpose[];

  @ApiProperty({ enum: CATEGORIES, isArray: true })
  @ValidateIf((dto: GrantConsentDto) => dto.provision !== 'deny' || dto.categories !== undefined)
  @IsCodeList(CATEGORIES)
  categories?: Category[];

  @ApiPropertyOptional({
    enum: SENSITIVITY_LABELS,
    isArray: true,
    description:
      'a permit: the sensitive data it also opens, each named explicitly (HL7 v3 ActCode); a deny: only data carrying one of them',
  })
  @IsOptional()
  @IsCodeList(SENSITIVITY_LABELS)
  sensitive?: SensitivityLabel[];

  @ApiPropertyOptional({ format: 'date-time', description: 'default now' })
  @IsOptional()
  @IsUtcTimestamp()
  validFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'open-ended when absent' })
  @IsOptional()
  @IsUtcTimestamp()
  validUntil?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  dataFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  dataUntil?: string;

  @ApiPropertyOptional({ type: [ConsentExceptionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  @Type(() => ConsentExceptionDto)
  exceptions?: ConsentExceptionDto[];

  @ApiPropertyOptional({
    type: NoticeRefDto,
    description:
      "the notice shown before confirming: published by the patient's home or the grantee (GET /notices)",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => NoticeRefDto)
  notice?: NoticeRefDto;
}
