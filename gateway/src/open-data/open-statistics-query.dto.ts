import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** A calendar day, `YYYY-MM-DD` (the chaincode checks that it exists). */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** GET /open/statistics query: whole UTC days, both included, at most 31. */
export class OpenStatisticsQueryDto {
  @ApiProperty({ example: '2026-12-01', description: 'first day (UTC), YYYY-MM-DD' })
  @Matches(DAY, { message: 'from must be a day YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-12-07', description: 'last day (UTC, included), YYYY-MM-DD' })
  @Matches(DAY, { message: 'to must be a day YYYY-MM-DD' })
  to!: string;
}
