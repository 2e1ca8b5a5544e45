import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import { IsUtcTimestamp, PageQueryDto, ToBoolean } from '../common/dto.js';
import {
  DECISIONS,
  MSP_ID,
  REGION_CODE,
  REVIEW_OUTCOMES,
  STATISTICS_LEVELS,
  type AccessDecision,
  type ReviewOutcome,
  type StatisticsLevel,
} from '../common/vocabulary.js';
import { PATIENT_ID_PATTERN } from '../identities/roles.js';

/** GET /audit/access-events query. */
export class AccessEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId?: string;

  @ApiPropertyOptional({ example: 'CommunityHospitalMSP' })
  @IsOptional()
  @Matches(MSP_ID, { message: 'accessorOrg must be an MSP ID' })
  accessorOrg?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'inclusive' })
  @IsOptional()
  @IsUtcTimestamp()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'exclusive' })
  @IsOptional()
  @IsUtcTimestamp()
  to?: string;

  @ApiPropertyOptional({ enum: DECISIONS })
  @IsOptional()
  @IsIn(DECISIONS)
  decision?: AccessDecision;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  breakGlass?: boolean;

  @ApiPropertyOptional({
    description: "six-digit GB/T 2260 code at any level: the accessor organization's region",
    example: '330110',
  })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'region must be a six-digit region code' })
  region?: string;
}

/** GET /audit/access-events/export query. */
export class ExportQueryDto {
  @ApiProperty({ enum: ['csv', 'fhir'] })
  @IsIn(['csv', 'fhir'])
  format!: 'csv' | 'fhir';

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(MSP_ID, { message: 'accessorOrg must be an MSP ID' })
  accessorOrg?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  to?: string;

  @ApiPropertyOptional({ enum: DECISIONS })
  @IsOptional()
  @IsIn(DECISIONS)
  decision?: AccessDecision;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  breakGlass?: boolean;

  @ApiPropertyOptional({
    description: "six-digit GB/T 2260 code at any level: the accessor organization's region",
    example: '330110',
  })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'region must be a six-digit region code' })
  region?: string;
}

/** POST /audit/emergency-reviews/:eventId body. */
export class EmergencyReviewDto {
  @ApiProperty({ enum: REVIEW_OUTCOMES })
  @IsIn(REVIEW_OUTCOMES)
  outcome!: ReviewOutcome;
}

/** GET /audit/statistics query. */
export class StatisticsQueryDto {
  @ApiProperty({ format: 'date-time' })
  @IsUtcTimestamp()
  from!: string;

  @ApiProperty({ format: 'date-time' })
  @IsUtcTimestamp()
  to!: string;

  @ApiProperty({ enum: STATISTICS_LEVELS })
  @IsIn(STATISTICS_LEVELS)
  level!: StatisticsLevel;

  @ApiPropertyOptional({ description: 'six-digit GB/T 2260 code', example: '330100' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'region must be a six-digit region code' })
  region?: string;
}
