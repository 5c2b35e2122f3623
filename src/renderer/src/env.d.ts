/// <reference types="vite/client" />
import type { Api } from '../../shared/contract';

declare global {
  interface Window {
    /** Built by the preload (or the end-to-end bridge) from the IPC contract. */
    api: Api;
  }
}
