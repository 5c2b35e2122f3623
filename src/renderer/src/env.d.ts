/// <reference types="vite/client" />
import type { Api } from '../../shared/contract';

declare global {
  interface Window {
    /** Built from the IPC contract by the preload (desktop window) or web-api.js (browser mode, src/preload/web.ts). */
    api: Api;
  }
}
