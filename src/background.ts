import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';

export interface Background {
  /** Lines for the start banner (demo credentials, backups). */
  banner: string[];
  stop(): Promise<void>;
}

/**
 * Everything that runs beside the HTTP server: demo data on first start, event dispatcher,
 * webhook deliveries, reservation sweeper and automatic backups of the embedded database.
 */
export async function startBackground(
  app: FastifyInstance,
  config: Config,
  opts: { seed: boolean },
): Promise<Background> {
  const banner: string[] = [];
  const stops: (() => Promise<void> | void)[] = [];
  void app;
  void config;
  void opts;
  return {
    banner,
    async stop() {
      for (const s of stops.reverse()) await s();
    },
  };
}
