import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

/** POST /auth/login body. */
export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @Length(1, 256)
  password!: string;

  @ApiPropertyOptional({
    description:
      'the deviceToken of an earlier login to this account from this device: keeps the device out of lockouts caused by others',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  deviceToken?: string;
}

/** POST /auth/refresh body. */
export class RefreshDto {
  @ApiProperty({
    description: 'the refreshToken of the last answer of login, activation or refresh',
  })
  @IsString()
  @Length(1, 256)
  refreshToken!: string;
}

/** What login, activation and refresh answer. */
export class AccessTokenDto {
  @ApiProperty()
  accessToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'seconds until the access token expires' })
  expiresIn!: number;

  @ApiProperty({ description: 'exchanged once at POST /auth/refresh; rotates' })
  refreshToken!: string;

  @ApiProperty({ description: 'seconds until the session ends' })
  refreshExpiresIn!: number;

  @ApiPropertyOptional({ description: 'login only: send it with later logins from this device' })
  deviceToken?: string;
}
