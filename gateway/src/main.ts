import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { loadConfig } from './config/gateway.config.js';

const config = loadConfig();
const app = await NestFactory.create(AppModule.forConfig(config));
app.enableShutdownHooks();
await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
