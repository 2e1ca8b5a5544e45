import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { IsBookmark, IsPageSize, ToBoolean } from '../common/dto.js';

/** The largest inbox item ID (12 digits): IDs are a gateway's row numbers. */
export const MAX_ITEM_ID = 999_999_999_999;
/** An inbox item ID as a path parameter or bookmark. */
export const ITEM_ID_PATTERN = /^[1-9]\d{0,11}$/;

/** GET /inbox query: unread items only, or all; a page of them. */
export class InboxQueryDto {
  @ApiPropertyOptional({ description: 'true: unread items only', default: false })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  unread?: boolean;

  @IsPageSize()
  pageSize?: number;

  @IsBookmark()
  bookmark?: string;
}

/** POST /inbox/read-all body: marks unread items read, up to the newest the patient saw. */
export class ReadAllDto {
  @ApiPropertyOptional({
    description: 'the newest item ID the patient saw; items after it stay unread (default: all)',
  })
  // Absent means all; null is refused like any other non-integer.
  @ValidateIf((body: ReadAllDto) => body.upTo !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_ITEM_ID)
  upTo?: number;
}
