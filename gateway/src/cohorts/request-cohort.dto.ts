import {
  CATEGORIES,
  EXTERNAL_ID_PATTERN,
  MIN_COHORT_SIZE_RANGE,
  PATIENT_ID_PATTERN,
  type Category,
} from '@consent-ledger/ledger-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { PageQueryDto } from '../common/dto.js';

/** POST /cohorts body. */
export class RequestCohortDto extends PageQueryDto {
  @ApiProperty({ example: 'study-2026-diabetes', description: '1-128 of [A-Za-z0-9._:-]' })
  @Matches(EXTERNAL_ID_PATTERN, { message: 'studyId must be 1-128 of [A-Za-z0-9._:-]' })
  studyId!: string;

  @ApiProperty({ enum: CATEGORIES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(CATEGORIES, { each: true })
  categories!: Category[];

  @ApiPropertyOptional({
    type: [String],
    description:
      'decide exactly these patients, as one page (no pageSize or bookmark); without them, the next page of candidates the ledger finds',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(PATIENT_ID_PATTERN, {
    each: true,
    message: 'patientIds must be pid- and 16 to 32 of [a-z2-7]',
  })
  patientIds?: string[];

  @ApiPropertyOptional({
    example: 'IRB-2026-017',
    description:
      "the study's ethics approval reference, 1-128 of [A-Za-z0-9._:-] (an ID, never free text); required where the region's research threshold says so",
  })
  @IsOptional()
  @Matches(EXTERNAL_ID_PATTERN, { message: 'ethicsApproval must be 1-128 of [A-Za-z0-9._:-]' })
  ethicsApproval?: string;
}

/** PUT /research/thresholds/:region body. */
export class ResearchThresholdDto {
  @ApiProperty({
    minimum: 0,
    maximum: 10_000,
    description: 'the fewest patients a cohort includes (0: no minimum)',
  })
  @IsInt()
  @Min(MIN_COHORT_SIZE_RANGE.min)
  @Max(MIN_COHORT_SIZE_RANGE.max)
  minCohortSize!: number;

  @ApiProperty({ description: 'whether a study must name its ethics approval reference' })
  @IsBoolean()
  ethicsApprovalRequired!: boolean;
}
