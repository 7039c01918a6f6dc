// @jitsi/rnnoise-wasm ships no types. Its "sync" build is an Emscripten ES module with the WebAssembly
// inlined (base64) and compiled synchronously, which is what an AudioWorklet can use: the worklet's
// scope has no fetch, and its processor must be ready when constructed. The part of the module that
// RnnoiseModule (rnnoise-frames.ts) uses.
declare module '@jitsi/rnnoise-wasm/dist/rnnoise-sync.js' {
  interface RNNWasmModule {
    readonly HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    _rnnoise_process_frame(state: number, output: number, input: number): number;
  }

  export default function createRNNWasmModuleSync(): RNNWasmModule;
}
