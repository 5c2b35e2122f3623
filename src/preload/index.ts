// Exposes window.api: one function per contract channel, and nothing else (never ipcRenderer).
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi, channelNames, IPC_CHANNEL } from '../shared/contract';

contextBridge.exposeInMainWorld(
  'api',
  buildApi(channelNames, (channel, input) => ipcRenderer.invoke(IPC_CHANNEL, channel, input)),
);
