import {
  MSP_ID_PATTERN,
  NOTICE_ID_PATTERN,
  NOTICE_TEXT_MAX_LENGTH,
  SHA256_HEX_PATTERN,
} from '@consent-ledger/ledger-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const TEXT_RULE = `at most ${String(NOTICE_TEXT_MAX_LENGTH)} characters, not blank`;

/** A notice's texts, one per language. */
export class NoticeTextsDto {
  @ApiProperty({ description: `Chinese text: ${TEXT_RULE}` })
  @IsString()
  @MaxLength(NOTICE_TEXT_MAX_LENGTH)
  @Matches(/\S/u, { message: 'zh-CN must not be blank' })
  'zh-CN'!: string;

  @ApiProperty({ description: `English text: ${TEXT_RULE}` })
  @IsString()
  @MaxLength(NOTICE_TEXT_MAX_LENGTH)
  @Matches(/\S/u, { message: 'en must not be blank' })
  en!: string;
}

/** POST /notices body: the next version of one of this organization's notices. */
export class PublishNoticeDto {
  @ApiProperty({ example: 'consent-sharing', pattern: NOTICE_ID_PATTERN.source })
  @Matches(NOTICE_ID_PATTERN, {
    message: 'noticeId must be 1 to 64 of [a-z0-9-], starting with a letter',
  })
  noticeId!: string;

  @ApiProperty({ minimum: 1, description: '1 for a new notice, else the latest plus one' })
  @IsInt()
  @Min(1)
  @Max(999_999)
  version!: number;

  @ApiProperty({ type: NoticeTextsDto })
  @IsDefined({ message: 'texts is required: {zh-CN, en}' })
  @IsObject()
  @ValidateNested()
  @Type(() => NoticeTextsDto)
  texts!: NoticeTextsDto;
}

/** A consent's notice reference (POST /consents, PUT /consents/:id). */
export class NoticeRefDto {
  @ApiProperty({ example: 'TertiaryHospitalMSP' })
  @Matches(MSP_ID_PATTERN, { message: 'org must be an MSP ID' })
  org!: string;

  @ApiProperty({ example: 'consent-sharing' })
  @Matches(NOTICE_ID_PATTERN, {
    message: 'noticeId must be 1 to 64 of [a-z0-9-], starting with a letter',
  })
  noticeId!: string;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(999_999)
  version!: number;

  @ApiProperty({ description: 'SHA-256 of the version’s texts (ledger-api noticeDigest)' })
  @Matches(SHA256_HEX_PATTERN, { message: 'sha256 must be 64 lower-case hex digits' })
  sha256!: string;
}

/** GET /notices query. */
export class NoticesQueryDto {
  @ApiPropertyOptional({ description: "the organization (MSP ID); this gateway's by default" })
  @IsOptional()
  @Matches(MSP_ID_PATTERN, { message: 'org must be an MSP ID' })
  org?: string;
}
