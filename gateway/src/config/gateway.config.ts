import { z } from 'zod';

const schema = z.object({
  GATEWAY_ORG: z.string().min(1),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: z.coerce.number().int().min(1).max(65535),
  CONNECTION_PROFILE: z.string().min(1),
  GATEWAY_DATA_DIR: z.string().min(1),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
});

/** The gateway's configuration, read from the environment and validated at boot. */
export type GatewayConfig = Readonly<z.infer<typeof schema>>;

/** Reads and validates the configuration; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const result = schema.safeParse(env);
  if (!result.success)
    throw new Error(`Invalid gateway configuration:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Injection token of the {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
