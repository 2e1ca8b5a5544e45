import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { APP_OPTIONS, configureApp } from './app.setup.js';
import { loadConfig } from './config/gateway.config.js';

const config = loadConfig();
const app = await NestFactory.create<NestExpressApplication>(
  AppModule.forConfig(config),
  APP_OPTIONS,
);
configureApp(app);
await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
