import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

/** POST /auth/oidc/session body. */
export class HandoffDto {
  @ApiProperty({ description: 'the one-time code the callback put in the web app URL (#signin=)' })
  @IsString()
  @Length(43, 43)
  @Matches(/^[A-Za-z0-9_-]+$/)
  handoff!: string;
}

/** The trusted identity provider, as GET /auth/providers names it. */
export class OidcProviderDto {
  @ApiProperty({ example: 'Tertiary Hospital' })
  name!: string;

  @ApiProperty({ example: 'https://idp.tertiary.example/' })
  issuer!: string;

  @ApiProperty({ example: '/auth/oidc/login', description: 'where the browser starts the sign-in' })
  login!: string;
}

/** GET /auth/providers answer. */
export class SignInProvidersDto {
  @ApiProperty({ description: 'username and password sign-in (always offered)' })
  local!: true;

  @ApiPropertyOptional({ type: OidcProviderDto })
  oidc?: OidcProviderDto;
}
