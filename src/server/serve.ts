/** serveRun(run, options): a run folder's viewer behind the HTTP server, listening, with its close(). */
import type { Server } from 'node:http';
import { DEFAULT_LIMITS, createViewerServer, listen, type ServerOptions } from './app.js';
import { Viewer } from './viewer.js';

export interface ServeOptions extends ServerOptions {
  maxPixels?: number;
  maxVolumeBytes?: number;
  maxCases?: number;
}

/** Opens the run and starts the viewer; resolves once it listens. */
export async function serveRun(
  run: string,
  o: ServeOptions = {},
): Promise<{ url: string; server: Server; viewer: Viewer; close: () => Promise<void> }> {
  const viewer = Viewer.fromRun(
    run,
    {
      maxPixels: o.maxPixels ?? DEFAULT_LIMITS.maxPixels,
      maxVolumeBytes: o.maxVolumeBytes ?? DEFAULT_LIMITS.maxVolumeBytes,
    },
    o.maxCases,
  );
  const server = createViewerServer(viewer, o);
  let url: string;
  try {
    url = await listen(server, o);
  } catch (err) {
    viewer.dispose();
    throw err;
  }
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        viewer.dispose();
        resolve();
      });
    });
  return { url, server, viewer, close };
}
