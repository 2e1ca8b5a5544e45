import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  INSTITUTION_ID_PATTERN,
  PRACTITIONER_ID_PATTERN,
  ROLES,
  type Role,
} from '@consent-ledger/ledger-api';
import {
  PASSWORD_INPUT_MAX,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH_DEFAULT,
  PASSWORD_RULES,
} from './password-policy.js';

/** POST /identities body: a staff member (a patient is refused: see POST /patients). */
export class CreateIdentityDto {
  @ApiProperty({ example: 'alice', pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, {
    message: 'username must be 3-64 of [a-z0-9._-], starting with a letter or digit',
  })
  username!: string;

  @ApiProperty({
    format: 'password',
    minLength: PASSWORD_MIN_LENGTH_DEFAULT,
    maxLength: PASSWORD_MAX_LENGTH,
    description: PASSWORD_RULES,
  })
  @IsString()
  @MaxLength(PASSWORD_INPUT_MAX)
  password!: string;

  @ApiProperty({
    enum: ROLES,
    description:
      'allowed roles depend on the organization type; never patient (patients hold their own keys: POST /patients)',
  })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ description: 'clinicians only', example: 'prac-12345678' })
  @IsOptional()
  @Matches(PRACTITIONER_ID_PATTERN, {
    message: 'practitionerId must be prac- and 8 to 32 of [a-z0-9]',
  })
  practitionerId?: string;

  @ApiPropertyOptional({
    description:
      "a member institution registered in this gateway's organization (its certificate's institution attribute)",
    example: 'inst-insurer01',
  })
  @IsOptional()
  @Matches(INSTITUTION_ID_PATTERN, {
    message: 'institution must be inst- and 4 to 32 of [a-z0-9]',
  })
  institution?: string;
}

/** GET /identities query. */
export class ListUsersDto {
  @ApiPropertyOptional({
    enum: ['staff', 'patients'],
    description: "staff (default) or patients' and guardians' session accounts",
  })
  @IsOptional()
  @IsIn(['staff', 'patients'])
  accounts?: 'staff' | 'patients';

  @ApiPropertyOptional({ description: 'a username prefix', example: 'doc' })
  @IsOptional()
  @Matches(/^[a-z0-9._-]{1,64}$/, { message: 'search must be 1-64 of [a-z0-9._-]' })
  search?: string;
}
