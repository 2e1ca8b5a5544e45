import {
  CATEGORIES,
  EMERGENCY_REASON_CODES,
  EXTERNAL_ID_PATTERN,
  PATIENT_ID_PATTERN,
  PURPOSES,
  SENSITIVITY_LABELS,
  type Category,
  type EmergencyReasonCode,
  type Purpose,
  type SensitivityLabel,
} from '@consent-ledger/ledger-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { IsUtcTimestamp, ToStringArray } from '../common/dto.js';

const patientIdMessage = { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' };

/** POST /access-requests body (and GET /access-decisions query). */
export class RequestAccessDto {
  @ApiProperty({ example: 'pid-abcdefghijklmnop' })
  @Matches(PATIENT_ID_PATTERN, patientIdMessage)
  patientId!: string;

  @ApiProperty({ enum: PURPOSES })
  @IsIn(PURPOSES)
  purpose!: Purpose;

  @ApiProperty({ enum: CATEGORIES, isArray: true })
  @ToStringArray()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(CATEGORIES, { each: true })
  categories!: Category[];

  @ApiPropertyOptional({
    enum: SENSITIVITY_LABELS,
    isArray: true,
    description:
      'the sensitivity labels of the data asked for (HL7 v3 ActCode), beyond its categories',
  })
  @IsOptional()
  @ToStringArray()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SENSITIVITY_LABELS, { each: true })
  labels?: SensitivityLabel[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ToStringArray()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(EXTERNAL_ID_PATTERN, { each: true, message: 'recordIds must be record IDs' })
  recordIds?: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  dataFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsUtcTimestamp()
  dataUntil?: string;
}

/** POST /access-requests/emergency body. */
export class EmergencyAccessDto {
  @ApiProperty({ example: 'pid-abcdefghijklmnop' })
  @Matches(PATIENT_ID_PATTERN, patientIdMessage)
  patientId!: string;

  @ApiProperty({ enum: CATEGORIES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(CATEGORIES, { each: true })
  categories!: Category[];

  @ApiPropertyOptional({
    enum: SENSITIVITY_LABELS,
    isArray: true,
    description:
      'the sensitivity labels of the data asked for: opened only where the patient allowed it for emergencies in advance',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SENSITIVITY_LABELS, { each: true })
  labels?: SensitivityLabel[];

  @ApiProperty({ enum: EMERGENCY_REASON_CODES })
  @IsIn(EMERGENCY_REASON_CODES)
  reasonCode!: EmergencyReasonCode;

  @ApiProperty({
    description: 'free text; only its SHA-256 reaches the ledger',
    minLength: 1,
    maxLength: 4000,
  })
  @IsString()
  @Length(1, 4000)
  justification!: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(EXTERNAL_ID_PATTERN, { each: true, message: 'recordIds must be record IDs' })
  recordIds?: string[];
}
