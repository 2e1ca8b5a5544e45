import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Where the web app is served. */
export const WEB_APP_PREFIX = '/app';

/**
 * Serves the web app's static files (web/dist) at /app/ through Nest's express static assets,
 * with index.html for any other GET under /app/ (the app routes by hash, so this only covers
 * reloads of deep links), and redirects `/` to /app/. No authentication: the files hold no data;
 * the app calls the API with the user's token. When `root` has no index.html nothing is mounted,
 * so /app answers the usual 404 `{statusCode, code, message}`. Answers whether it was mounted.
 */
export function serveWebApp(app: NestExpressApplication, root: string): boolean {
  const index = path.join(root, 'index.html');
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method === 'GET' || request.method === 'HEAD') && request.path === '/')
      response.redirect(302, `${WEB_APP_PREFIX}/`);
    else next();
  });
  if (!existsSync(index)) return false;
  app.useStaticAssets(root, { prefix: `${WEB_APP_PREFIX}/`, index: 'index.html', maxAge: 0 });
  app.use(WEB_APP_PREFIX, (request: Request, response: Response, next: NextFunction) => {
    // A missing asset is a 404, not the page.
    if (
      (request.method !== 'GET' && request.method !== 'HEAD') ||
      request.path.startsWith('/assets/')
    )
      next();
    else response.sendFile(index);
  });
  return true;
}
