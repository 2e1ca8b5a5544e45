import {
  BATCH_ID_PATTERN,
  CATEGORIES,
  EXTERNAL_ID_PATTERN,
  MAX_BATCH_ITEMS,
  MSP_ID_PATTERN,
  PATIENT_ID_PATTERN,
  SALT_PATTERN,
  SHA256_HEX_PATTERN,
  type Category,
} from '@consent-ledger/ledger-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { ToLowerCase } from '../common/dto.js';

const recordIdMessage = { message: 'recordId must be 1-128 of [A-Za-z0-9._:-]' };
const sha256Message = { message: 'sha256 must be 64 hex characters' };

/** POST /records body (JSON), or the fields of a multipart upload with a `file`. */
export class AnchorRecordDto {
  @ApiProperty({ example: 'emr-2026-000123' })
  @Matches(EXTERNAL_ID_PATTERN, recordIdMessage)
  recordId!: string;

  @ApiProperty({ example: 'pid-abcdefghijklmnop' })
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId!: string;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category!: Category;

  @ApiPropertyOptional({
    description: 'required without a file; must match the file when both are given',
  })
  @IsOptional()
  @ToLowerCase()
  @Matches(SHA256_HEX_PATTERN, sha256Message)
  sha256?: string;
}

/** One item of a batch (the gateway gives it its salt). */
export class BatchItemDto {
  @ApiProperty()
  @Matches(EXTERNAL_ID_PATTERN, recordIdMessage)
  recordId!: string;

  @ApiProperty()
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId!: string;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category!: Category;

  @ApiProperty()
  @ToLowerCase()
  @Matches(SHA256_HEX_PATTERN, sha256Message)
  sha256!: string;
}

/** POST /records/batches body. */
export class AnchorBatchDto {
  @ApiPropertyOptional({ description: 'derived from the transaction when absent' })
  @IsOptional()
  @Matches(BATCH_ID_PATTERN, { message: 'batchId must be 1-128 of [A-Za-z0-9._:-]' })
  batchId?: string;

  @ApiProperty({ type: [BatchItemDto], minItems: 1, maxItems: MAX_BATCH_ITEMS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => BatchItemDto)
  items!: BatchItemDto[];
}

/** A batch member's proof from the anchoring organization (POST /records/batches answers it). */
export class BatchMemberProofDto {
  @ApiProperty()
  @Matches(BATCH_ID_PATTERN, { message: 'batchId must be 1-128 of [A-Za-z0-9._:-]' })
  batchId!: string;

  @ApiProperty()
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId!: string;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category!: Category;

  @ApiProperty({ description: "the item's salt, handed out with its proof (base64url)" })
  @Matches(SALT_PATTERN, { message: 'salt must be 22 to 64 of base64url' })
  salt!: string;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  leafIndex!: number;

  @ApiProperty({ type: [String], description: 'sibling hashes, leaf to root (hex)' })
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(SHA256_HEX_PATTERN, { each: true, message: 'auditPath must be SHA-256 hex digests' })
  auditPath!: string[];
}

/** The owner of a record (record IDs are scoped by their owner organization). */
const ownerDescription = "the record's owner organization (MSP ID); the caller's own by default";
const ownerMessage = { message: 'owner must be an MSP ID' };

/** POST /records/verify body (JSON, or the fields of a multipart upload with a `file`). */
export class VerifyRecordDto {
  @ApiProperty()
  @Matches(EXTERNAL_ID_PATTERN, recordIdMessage)
  recordId!: string;

  @ApiPropertyOptional({ description: ownerDescription, example: 'TertiaryHospitalMSP' })
  @IsOptional()
  @Matches(MSP_ID_PATTERN, ownerMessage)
  owner?: string;

  @ApiPropertyOptional({ description: 'required without a file' })
  @IsOptional()
  @ToLowerCase()
  @Matches(SHA256_HEX_PATTERN, sha256Message)
  sha256?: string;

  @ApiPropertyOptional({ description: 'a version to check against instead of the latest' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({
    type: BatchMemberProofDto,
    description: "verify as a member of another organization's batch (JSON only)",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => BatchMemberProofDto)
  batchProof?: BatchMemberProofDto;
}

/** GET /records/:recordId query. */
export class RecordQueryDto {
  @ApiPropertyOptional({ description: ownerDescription, example: 'TertiaryHospitalMSP' })
  @IsOptional()
  @Matches(MSP_ID_PATTERN, ownerMessage)
  owner?: string;
}
