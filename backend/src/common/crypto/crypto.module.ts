import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ContentCipher } from './content-cipher';

@Global()
@Module({
  providers: [{ provide: ContentCipher, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new ContentCipher(c.encryption) }],
  exports: [ContentCipher],
})
export class CryptoModule {}
