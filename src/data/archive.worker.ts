/// <reference lib="webworker" />
/** Module worker behind `importArchive`: one archive per worker, replies with progress, then done or error. */
import { importArchiveIntoCache, type ArchiveWorkerReply, type ArchiveWorkerRequest } from './archiveImport.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const reply = (message: ArchiveWorkerReply) => scope.postMessage(message);

scope.onmessage = async (event: MessageEvent<ArchiveWorkerRequest>) => {
  let lastPercent = -1;
  try {
    await importArchiveIntoCache(event.data.file, (progress) => {
      // One message per percent is plenty for a progress bar.
      const percent = Math.floor((100 * progress.loadedBytes) / progress.totalBytes);
      if (percent === lastPercent) return;
      lastPercent = percent;
      reply({ type: 'progress', progress });
    });
    reply({ type: 'done' });
  } catch (error) {
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
