// window.api for a page in plain Chromium: the preload's own builder over a Playwright binding
// that calls the same createApp().invoke the Electron IPC handler calls.
import type { Page } from '@playwright/test';
import type { App } from '../../../src/main/app';
import { buildApi, channelNames } from '../../../src/shared/contract';

export async function attachBridge(page: Page, app: App, clientId = 'e2e-window'): Promise<void> {
  await page.exposeBinding('__feedeskInvoke', (_source, channel: string, input: unknown) => app.invoke(channel, input, clientId));
  await page.addInitScript({
    content: `window.api = (${buildApi.toString()})(${JSON.stringify(channelNames)}, (channel, input) => window.__feedeskInvoke(channel, input));`,
  });
}
