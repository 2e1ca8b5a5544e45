import {
  DECISIONS,
  MSP_ID_PATTERN,
  PATIENT_ID_PATTERN,
  REGION_CODE_PATTERN,
  REGION_LEVELS,
  RESULT_ORDERS,
  REVIEW_COMMENT_MAX_LENGTH,
  REVIEW_OUTCOMES,
  type DecisionValue,
  type RegionLevel,
  type ResultOrder,
  type ReviewOutcome,
} from '@consent-ledger/ledger-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsBookmark, IsPageSize, IsUtcTimestamp, ToBoolean } from '../common/dto.js';

/** The filters of the access events: the search's (GET /audit/access-events) and its export's. */
export class AccessEventFiltersDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId?: string;

  @ApiPropertyOptional({ example: 'CommunityHospitalMSP' })
  @IsOptional()
  @Matches(MSP_ID_PATTERN, { message: 'accessorOrg must be an MSP ID' })
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
  decision?: DecisionValue;

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
  @Matches(REGION_CODE_PATTERN, { message: 'region must be a six-digit region code' })
  region?: string;

  @ApiPropertyOptional({
    enum: RESULT_ORDERS,
    default: 'desc',
    description: 'newest first (desc) or oldest first (asc); a bookmark keeps its order',
  })
  @IsOptional()
  @IsIn(RESULT_ORDERS)
  order?: ResultOrder;
}

/** GET /audit/access-events query: the filters and a page. */
export class AccessEventsQueryDto extends AccessEventFiltersDto {
  @IsPageSize()
  pageSize?: number;

  @IsBookmark()
  bookmark?: string;
}

/** GET /audit/access-events/export query: the filters, every page, in a format. */
export class ExportQueryDto extends AccessEventFiltersDto {
  @ApiProperty({ enum: ['csv', 'fhir'] })
  @IsIn(['csv', 'fhir'])
  format!: 'csv' | 'fhir';
}

/** POST /audit/emergency-reviews/:eventId body. */
export class EmergencyReviewDto {
  @ApiProperty({ enum: REVIEW_OUTCOMES })
  @IsIn(REVIEW_OUTCOMES)
  outcome!: ReviewOutcome;

  @ApiProperty({
    maxLength: REVIEW_COMMENT_MAX_LENGTH,
    description:
      'why: kept at the regulator’s gateway; the ledger gets only its salted SHA-256 commitment',
  })
  @IsString()
  @MaxLength(REVIEW_COMMENT_MAX_LENGTH, {
    message: `comment must be at most ${String(REVIEW_COMMENT_MAX_LENGTH)} characters`,
  })
  @Matches(/\S/u, { message: 'comment must not be empty' })
  comment!: string;
}

/** GET /audit/statistics query. */
export class StatisticsQueryDto {
  @ApiProperty({ format: 'date-time' })
  @IsUtcTimestamp()
  from!: string;

  @ApiProperty({ format: 'date-time' })
  @IsUtcTimestamp()
  to!: string;

  @ApiProperty({ enum: REGION_LEVELS })
  @IsIn(REGION_LEVELS)
  level!: RegionLevel;

  @ApiPropertyOptional({ description: 'six-digit GB/T 2260 code', example: '330100' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: 'region must be a six-digit region code' })
  region?: string;
}
