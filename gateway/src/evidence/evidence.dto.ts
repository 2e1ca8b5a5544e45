import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { BATCH_ID_PATTERN, MSP_ID_PATTERN } from '@consent-ledger/ledger-api';

/** GET /records/:recordId/proof query. */
export class RecordProofQueryDto {
  @ApiPropertyOptional({ description: 'a version of the record instead of the latest' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ description: 'a batch this gateway anchored the record in' })
  @IsOptional()
  @Matches(BATCH_ID_PATTERN, { message: 'batchId must be 1-128 of [A-Za-z0-9._:-]' })
  batchId?: string;

  @ApiPropertyOptional({
    description: "the record's owner organization (MSP ID); the caller's own by default",
  })
  @IsOptional()
  @Matches(MSP_ID_PATTERN, { message: 'owner must be an MSP ID' })
  owner?: string;
}

/** GET /consents/:consentId/proof query. */
export class ConsentProofQueryDto {
  @ApiPropertyOptional({ description: 'a version of the consent instead of the latest' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}
