/**
 * A lesson that cannot fail: keys and buttons never lose a run by accident, and a recording plays
 * by itself. A tiny run trained with the mouse survives Space at its end; Reset offers Undo, which
 * brings the run back; the next Play really starts again from epoch 0. A recording plays with Space.
 */
import { expect, test } from '@playwright/test';
import { search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

test('Space at the end of a run keeps it; Reset then Undo restores it; Play after Reset trains afresh', async ({ page }) => {
  const console = watchConsole(page);
  const config = tinyConfig({ backend: 'wasm', epochs: 1 });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await page.getByTestId('play').click();
  await waitForStatus(page, 'finished', 5 * 60_000);
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  // Play and Pause are disabled now: focus went somewhere harmless, not onto Reset.
  await expect(page.getByTestId('reset')).not.toBeFocused();
  await expect(page.getByTestId('reset')).toBeEnabled();

  await page.keyboard.press(' ');
  await expect(page.getByTestId('undo-bar')).toHaveCount(0);
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await waitForStatus(page, 'finished');

  // Even Space on a focused Reset button plays/pauses rather than pressing it.
  await page.getByTestId('reset').focus();
  await page.keyboard.press(' ');
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');

  await page.getByTestId('reset').click();
  await expect(page.getByTestId('undo-bar')).toContainText('The run with 1 epoch is kept until you train again');
  await expect(page.getByTestId('epoch-scrubber')).toHaveCount(0);
  await waitForStatus(page, 'ready');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await waitForStatus(page, 'finished');
  await expect(page.getByTestId('undo-bar')).toHaveCount(0);

  // Reset, then Play: the worker forgets the run only now, and trains from epoch 0 again.
  await page.getByTestId('reset').click();
  await page.getByTestId('play').click();
  await expect(page.getByTestId('undo-bar')).toHaveCount(0);
  await waitForStatus(page, 'finished', 5 * 60_000);
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  console.check();
});
