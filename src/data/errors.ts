/** A problem with a CIFAR-10 archive; the message names the file inside the archive when there is one. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
  constructor(
    message: string,
    /** The path inside the archive the problem is about, if any. */
    readonly file?: string,
  ) {
    super(message);
  }
}

/** A prepared chunk or manifest that could not be fetched, or arrived damaged. */
export class DataLoadError extends Error {
  override name = 'DataLoadError';
}
