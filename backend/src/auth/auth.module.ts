import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PlatformModule } from '../platform/platform.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { SessionCheck } from './session-check';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { tokenKey } from './token-key';

@Module({
  imports: [
    PlatformModule,
    UsersModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: tokenKey(config.secretKey),
        signOptions: { algorithm: 'HS256', expiresIn: config.accessTokenTtlSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    PasswordHasher,
    JwtStrategy,
    LoginThrottle,
    SessionsRepository,
    SessionCheck,
    SessionsService,
  ],
  exports: [AuthService, SessionsService, SessionCheck, PasswordHasher, LoginThrottle],
})
export class AuthModule {}
