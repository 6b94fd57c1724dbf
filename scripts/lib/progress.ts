/** A one-line progress bar on stderr (redrawn in a terminal, a line per 20 % in logs). */
export interface ProgressBar {
  update(done: number): void;
  finish(): void;
}

const MB = 1024 * 1024;

export function progressBar(label: string, total: number): ProgressBar {
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  let lastStep = -1;
  const line = (done: number) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * 30);
    const sizes = total > 0 ? `${(done / MB).toFixed(1)}/${(total / MB).toFixed(1)} MB` : `${(done / MB).toFixed(1)} MB`;
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(30 - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${sizes}`;
  };
  return {
    update(done) {
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        process.stderr.write(`\r${line(done)}`);
      } else {
        const step = total > 0 ? Math.floor((5 * done) / total) : 0;
        if (step === lastStep) return;
        lastStep = step;
        process.stderr.write(`${line(done)}\n`);
      }
    },
    finish() {
      if (tty) process.stderr.write(`\r${line(total)}\n`);
      else if (lastStep < 5) process.stderr.write(`${line(total)}\n`);
    },
  };
}
