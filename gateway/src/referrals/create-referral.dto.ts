import {
  CATEGORIES,
  MSP_ID_PATTERN,
  PATIENT_ID_PATTERN,
  REFERRAL_ID_PATTERN,
  type Category,
} from '@consent-ledger/ledger-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, Matches } from 'class-validator';
import { IsUtcTimestamp } from '../common/dto.js';

/** POST /referrals body. */
export class CreateReferralDto {
  @ApiProperty({ example: 'pid-abcdefghijklmnop' })
  @Matches(PATIENT_ID_PATTERN, { message: 'patientId must be pid- and 16 to 32 of [a-z2-7]' })
  patientId!: string;

  @ApiProperty({ example: 'TertiaryHospitalMSP', description: 'the receiving hospital' })
  @Matches(MSP_ID_PATTERN, { message: 'toOrg must be an MSP ID' })
  toOrg!: string;

  @ApiProperty({ enum: CATEGORIES, isArray: true, description: 'the referred categories' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(CATEGORIES, { each: true })
  categories!: Category[];

  @ApiProperty({ format: 'date-time', description: 'in the future, within 366 days' })
  @IsUtcTimestamp()
  validUntil!: string;

  @ApiPropertyOptional({
    example: 'ref-000000000000000000000001',
    description: 'a referral back: the referral (to the caller, from toOrg) it returns',
  })
  @IsOptional()
  @Matches(REFERRAL_ID_PATTERN, { message: 'returnOf must be a referral ID' })
  returnOf?: string;
}
