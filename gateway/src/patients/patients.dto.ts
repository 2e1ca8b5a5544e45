import {
  DAY_PATTERN,
  GUARDIAN_RELATIONSHIPS,
  isDay,
  type GuardianActivationRequest,
  type GuardianProposalRequest,
  type GuardianRelationship,
  type PatientActivationRequest,
  type PatientRegistrationRequest,
  type SignedAction,
  type SignedActionRequest,
} from '@consent-ledger/ledger-api';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Matches,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsUtcTimestamp } from '../common/dto.js';
import {
  PASSWORD_INPUT_MAX,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH_DEFAULT,
  PASSWORD_RULES,
} from '../identities/password-policy.js';

/** The longest statement text the gateway carries (a consent's terms fit many times over). */
const MAX_STATEMENT_CHARS = 16_384;

/** A signed statement as it travels (ledger-api SignedAction). */
export class SignedActionDto implements SignedAction {
  @ApiProperty({ description: "the statement's canonical JSON text, exactly as signed" })
  @IsString()
  @Length(2, MAX_STATEMENT_CHARS)
  statement!: string;

  @ApiProperty({
    description: 'ECDSA P-256 / SHA-256 signature of the statement, P1363 (r ‖ s), base64url',
  })
  @Matches(/^[A-Za-z0-9_-]{86}$/, { message: 'signature must be 64 bytes of base64url' })
  signature!: string;
}

/** A body holding one signed action (POST /consents, /patients/me/devices, ...). */
export class SignedActionRequestDto implements SignedActionRequest {
  @ApiProperty({ type: SignedActionDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SignedActionDto)
  action!: SignedActionDto;
}

/** POST /patients body. */
export class PatientRegistrationDto implements PatientRegistrationRequest {
  @ApiPropertyOptional({ format: 'date', description: 'for a minor: the day of coming of age' })
  @IsOptional()
  @Matches(DAY_PATTERN, { message: 'adultFrom must be a day YYYY-MM-DD' })
  @ValidateBy(
    {
      name: 'isDay',
      validator: { validate: (value: unknown) => typeof value === 'string' && isDay(value) },
    },
    { message: 'adultFrom must be a day that exists' },
  )
  adultFrom?: string;

  @ApiPropertyOptional({
    format: 'date',
    description:
      'for a minor, instead of adultFrom: the birth day; the gateway computes adultFrom with its configured age and keeps nothing of it',
  })
  @IsOptional()
  @Matches(DAY_PATTERN, { message: 'birthDate must be a day YYYY-MM-DD' })
  @ValidateBy(
    {
      name: 'isDay',
      validator: { validate: (value: unknown) => typeof value === 'string' && isDay(value) },
    },
    { message: 'birthDate must be a day that exists' },
  )
  birthDate?: string;
}

/** A first sign-in's account and signed activation. */
class ActivationDto {
  @ApiProperty({ example: 'li.wei', pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' })
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

  @ApiProperty({ type: SignedActionDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SignedActionDto)
  action!: SignedActionDto;
}

/** POST /patients/activate body. */
export class PatientActivationDto extends ActivationDto implements PatientActivationRequest {}

/** POST /guardians/activate body. */
export class GuardianActivationDto extends ActivationDto implements GuardianActivationRequest {}

/** POST /patients/:patientId/guardians body. */
export class GuardianProposalDto implements GuardianProposalRequest {
  @ApiProperty({ enum: GUARDIAN_RELATIONSHIPS })
  @IsIn(GUARDIAN_RELATIONSHIPS)
  relationship!: GuardianRelationship;

  @ApiProperty({ format: 'date-time' })
  @IsUtcTimestamp()
  validFrom!: string;

  @ApiProperty({ format: 'date-time', description: 'exclusive' })
  @IsUtcTimestamp()
  validUntil!: string;
}
